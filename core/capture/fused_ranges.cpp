#include "core/capture/fused_ranges.h"

#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <tuple>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

#include "core/capture/map_summary.h"

namespace actscope {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// [min, max] as aminmax gives them (NaN anywhere makes both NaN).
struct Bounds {
  float low = kInfinity;
  float high = -kInfinity;

  // Takes in the bounds [l, h] of more values.
  void merge(float l, float h) {
    if (std::isnan(l) || std::isnan(h) || std::isnan(low)) {
      low = high = std::numeric_limits<float>::quiet_NaN();
    } else {
      low = std::min(low, l);
      high = std::max(high, h);
    }
  }
  void add(float value) { merge(value, value); }
  void merge(const Bounds& other) { merge(other.low, other.high); }
  at::Tensor tensor() const { return at::tensor({low, high}, at::kFloat); }
};

// One Bounds per thread of a parallel loop, merged after it.
class ThreadBounds {
 public:
  ThreadBounds() : bounds_(at::get_num_threads()) {}
  Bounds& mine() { return bounds_[at::get_thread_num()]; }
  Bounds merged() const {
    Bounds all;
    for (const Bounds& b : bounds_) all.merge(b);
    return all;
  }

 private:
  std::vector<Bounds> bounds_;
};

at::Tensor range_of(const at::Tensor& values) {
  if (values.numel() == 0) return at::zeros({2}, at::kFloat);
  auto [low, high] = at::aminmax(values.detach().to(at::kFloat));
  return at::stack({low, high});
}

bool has_avx2_fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

// Whether `tensor` is a float32 contiguous CPU tensor the kernels can read.
bool plain_float(const at::Tensor& tensor) {
  return tensor.scalar_type() == at::kFloat && tensor.is_contiguous() && tensor.device().is_cpu();
}

// The same, for an activation: the kernels record no gradient.
bool plain_float_activation(const at::Tensor& tensor) {
  return plain_float(tensor) && !tensor.requires_grad();
}

bool is_channel_vector(const c10::optional<at::Tensor>& tensor, int64_t channels) {
  return !tensor || !tensor->defined() ||
         (plain_float(*tensor) && tensor->dim() == 1 && tensor->size(0) == channels);
}

// Whether the one-pass kernel computes what aten::batch_norm does here:
// inference with running statistics on a contiguous float32 CPU input.
bool fusable(const at::Tensor& input, const c10::optional<at::Tensor>& weight,
             const c10::optional<at::Tensor>& bias, const c10::optional<at::Tensor>& running_mean,
             const c10::optional<at::Tensor>& running_var, bool training) {
  if (!has_avx2_fma() || training || !running_mean || !running_mean->defined() || !running_var ||
      !running_var->defined())
    return false;
  if (!plain_float_activation(input) || input.dim() < 2 || input.numel() == 0) return false;
  const int64_t channels = input.size(1);
  return is_channel_vector(weight, channels) && is_channel_vector(bias, channels) &&
         is_channel_vector(running_mean, channels) && is_channel_vector(running_var, channels);
}

// What aten::relu (clamp_min(x, 0)) gives: NaN stays NaN, -0.0 stays -0.0.
inline float relu_of(float value) { return value < 0.0f ? 0.0f : value; }

// The running bounds of 8 lanes. _mm256_min_ps drops NaN, so NaN is
// tracked on its own.
struct LaneBounds {
  __m256 low, high, nan;
};

__attribute__((target("avx2,fma"))) inline void start_lanes(LaneBounds& lanes) {
  lanes.low = _mm256_set1_ps(kInfinity);
  lanes.high = _mm256_set1_ps(-kInfinity);
  lanes.nan = _mm256_setzero_ps();
}

__attribute__((target("avx2,fma"))) inline void add_lanes(LaneBounds& lanes, __m256 values) {
  lanes.low = _mm256_min_ps(lanes.low, values);
  lanes.high = _mm256_max_ps(lanes.high, values);
  lanes.nan = _mm256_or_ps(lanes.nan, _mm256_cmp_ps(values, values, _CMP_UNORD_Q));
}

__attribute__((target("avx2,fma"))) inline void finish_lanes(const LaneBounds& lanes, Bounds& bounds) {
  float lows[8], highs[8];
  _mm256_storeu_ps(lows, lanes.low);
  _mm256_storeu_ps(highs, lanes.high);
  for (int k = 0; k < 8; ++k) bounds.merge(lows[k], highs[k]);
  if (_mm256_movemask_ps(lanes.nan) != 0) bounds.add(std::numeric_limits<float>::quiet_NaN());
}

// Per-channel factors of a batch norm in inference: output = fma(input,
// alpha, beta) (ATen's batch_norm_cpu_collect_linear_and_constant_terms).
struct ChannelTerms {
  std::vector<float> alpha, beta;
};

ChannelTerms channel_terms(int64_t channels, const c10::optional<at::Tensor>& weight,
                           const c10::optional<at::Tensor>& bias, const at::Tensor& running_mean,
                           const at::Tensor& running_var, double eps) {
  ChannelTerms terms{std::vector<float>(channels), std::vector<float>(channels)};
  const float* mean = running_mean.data_ptr<float>();
  const float* var = running_var.data_ptr<float>();
  const float* w = weight && weight->defined() ? weight->data_ptr<float>() : nullptr;
  const float* b = bias && bias->defined() ? bias->data_ptr<float>() : nullptr;
  for (int64_t c = 0; c < channels; ++c) {
    const float invstd = 1 / std::sqrt(var[c] + static_cast<float>(eps));
    terms.alpha[c] = invstd * (w ? w[c] : 1.0f);
    terms.beta[c] = std::fma(-mean[c], terms.alpha[c], b ? b[c] : 0.0f);
  }
  return terms;
}

// Where a batch-norm kernel reads and writes; relu is null without a ReLU.
struct NormalizeBuffers {
  const float* input;
  float* output;
  float* relu;
  int64_t plane;
  int64_t channels;
  const float* alpha;
  const float* beta;
};

// Planes [begin, end) of a [N, C, plane] input: output = fma(input, alpha,
// beta) per channel, bit for bit what ATen's vectorized batch norm computes,
// its ReLU when kRelu, and the bounds of input and output, kept in
// registers across planes (small planes are common: 7x7).
template <bool kRelu>
__attribute__((target("avx2,fma"))) void normalize_planes(const NormalizeBuffers& buffers, int64_t begin,
                                                          int64_t end, Bounds& in, Bounds& out) {
  LaneBounds in_lanes, out_lanes;
  start_lanes(in_lanes);
  start_lanes(out_lanes);
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t i = begin; i < end; ++i) {
    const float* x = buffers.input + i * buffers.plane;
    float* y = buffers.output + i * buffers.plane;
    float* r = kRelu ? buffers.relu + i * buffers.plane : nullptr;
    const float alpha = buffers.alpha[i % buffers.channels];
    const float beta = buffers.beta[i % buffers.channels];
    const __m256 alpha_vec = _mm256_set1_ps(alpha);
    const __m256 beta_vec = _mm256_set1_ps(beta);
    int64_t d = 0;
    for (; d + 8 <= buffers.plane; d += 8) {
      const __m256 value = _mm256_loadu_ps(x + d);
      const __m256 result = _mm256_fmadd_ps(value, alpha_vec, beta_vec);
      _mm256_storeu_ps(y + d, result);
      // max(0, v) returns its second operand for NaN and for two zeros, as ATen's clamp_min.
      if constexpr (kRelu) _mm256_storeu_ps(r + d, _mm256_max_ps(zero, result));
      add_lanes(in_lanes, value);
      add_lanes(out_lanes, result);
    }
    for (; d < buffers.plane; ++d) {
      y[d] = std::fma(x[d], alpha, beta);
      if constexpr (kRelu) r[d] = relu_of(y[d]);
      in.add(x[d]);
      out.add(y[d]);
    }
  }
  finish_lanes(in_lanes, in);
  finish_lanes(out_lanes, out);
}

// Runs the batch-norm kernel over every plane on LibTorch's threads and
// returns the bounds of input and output.
template <bool kRelu>
std::pair<Bounds, Bounds> normalize(const NormalizeBuffers& buffers, int64_t planes) {
  ThreadBounds in, out;
  // ATen's grain: tensors under 32768 values stay on one thread.
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(buffers.plane, 1));
  at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
    normalize_planes<kRelu>(buffers, begin, end, in.mine(), out.mine());
  });
  return {in.merged(), out.merged()};
}

// The fused batch norm: output, its ReLU when `relu` (else undefined), and
// the ranges of input and output.
std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor> batch_norm_ranges(
    const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
    bool training, double momentum, double eps, bool cudnn_enabled, bool relu) {
  if (!fusable(input, weight, bias, running_mean, running_var, training)) {
    at::Tensor output = at::batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                                       eps, cudnn_enabled);
    return {output, relu ? at::relu(output) : at::Tensor(), range_of(input), range_of(output)};
  }
  const int64_t batch = input.size(0);
  const int64_t channels = input.size(1);
  const ChannelTerms terms = channel_terms(channels, weight, bias, *running_mean, *running_var, eps);
  at::Tensor output = at::empty_like(input);
  at::Tensor relu_output = relu ? at::empty_like(input) : at::Tensor();
  const NormalizeBuffers buffers{input.data_ptr<float>(),
                                 output.data_ptr<float>(),
                                 relu ? relu_output.data_ptr<float>() : nullptr,
                                 input.numel() / (batch * channels),
                                 channels,
                                 terms.alpha.data(),
                                 terms.beta.data()};
  const auto [in, out] =
      relu ? normalize<true>(buffers, batch * channels) : normalize<false>(buffers, batch * channels);
  return {output, relu_output, in.tensor(), out.tensor()};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> batch_norm_with_ranges(
    const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
    bool training, double momentum, double eps, bool cudnn_enabled) {
  auto [output, unused, in, out] = batch_norm_ranges(input, weight, bias, running_mean, running_var, training,
                                                     momentum, eps, cudnn_enabled, /*relu=*/false);
  return {output, in, out};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor> batch_norm_relu_with_ranges(
    const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
    bool training, double momentum, double eps, bool cudnn_enabled) {
  return batch_norm_ranges(input, weight, bias, running_mean, running_var, training, momentum, eps,
                           cudnn_enabled, /*relu=*/true);
}

// Values [begin, end) of sum = a + b and its ReLU, with the sum's bounds,
// computed as ATen does for alpha 1: fmadd(b, 1, a), which rounds as a + b
// and, of two NaNs, keeps b's.
__attribute__((target("avx2,fma"))) void add_relu_values(const float* a, const float* b, float* sum,
                                                         float* relu, int64_t begin, int64_t end,
                                                         Bounds& bounds) {
  LaneBounds lanes;
  start_lanes(lanes);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = _mm256_set1_ps(1.0f);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m256 value = _mm256_fmadd_ps(_mm256_loadu_ps(b + i), one, _mm256_loadu_ps(a + i));
    _mm256_storeu_ps(sum + i, value);
    _mm256_storeu_ps(relu + i, _mm256_max_ps(zero, value));
    add_lanes(lanes, value);
  }
  for (; i < end; ++i) {
    sum[i] = std::fma(b[i], 1.0f, a[i]);
    relu[i] = relu_of(sum[i]);
    bounds.add(sum[i]);
  }
  finish_lanes(lanes, bounds);
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> add_relu_with_range(const at::Tensor& self,
                                                                   const at::Tensor& other,
                                                                   bool keep_self_dtype) {
  if (!has_avx2_fma() || !plain_float_activation(self) || !plain_float_activation(other) ||
      self.sizes() != other.sizes() || self.numel() == 0) {
    at::Tensor sum = at::add(self, other);
    if (keep_self_dtype) sum = sum.to(self.scalar_type());
    return {sum, at::relu(sum), range_of(sum)};
  }
  at::Tensor sum = at::empty_like(self);
  at::Tensor relu = at::empty_like(self);
  const float* a = self.data_ptr<float>();
  const float* b = other.data_ptr<float>();
  float* s = sum.data_ptr<float>();
  float* r = relu.data_ptr<float>();
  const int64_t count = self.numel();
  ThreadBounds bounds;
  at::parallel_for(0, count, at::internal::GRAIN_SIZE, [&](int64_t begin, int64_t end) {
    add_relu_values(a, b, s, r, begin, end, bounds.mine());
  });
  return {sum, relu, bounds.merged().tensor()};
}

// A 2-D max pool the one-pass kernel takes: dilation 1, no ceil mode,
// stride 1 or 2 along the width, padding at most half the kernel (as ATen
// requires).
struct PoolShape {
  int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
  int64_t in_h, in_w, out_h, out_w;
};

// (height, width) of a pooling argument: one value for both, or two; empty
// stands for `fallback` (only stride may be empty: it is the kernel size),
// and anything else ATen refuses (more values, values past int32) is left
// to ATen, which says what is wrong.
std::optional<std::pair<int64_t, int64_t>> pool_pair(at::IntArrayRef values,
                                                     std::optional<std::pair<int64_t, int64_t>> fallback) {
  for (int64_t value : values) {
    if (value > std::numeric_limits<int32_t>::max()) return std::nullopt;
  }
  if (values.empty()) return fallback;
  if (values.size() == 1) return std::make_pair(values[0], values[0]);
  if (values.size() == 2) return std::make_pair(values[0], values[1]);
  return std::nullopt;
}

std::optional<PoolShape> fast_pool_shape(const at::Tensor& input, at::IntArrayRef kernel_size,
                                         at::IntArrayRef stride, at::IntArrayRef padding,
                                         at::IntArrayRef dilation, bool ceil_mode) {
  if (!has_avx2_fma() || ceil_mode || !plain_float_activation(input) || input.dim() != 4 ||
      input.numel() == 0)
    return std::nullopt;
  const auto kernel = pool_pair(kernel_size, std::nullopt);
  const auto steps = pool_pair(stride, kernel);
  const auto pads = pool_pair(padding, std::nullopt);
  const auto dilations = pool_pair(dilation, std::nullopt);
  if (!kernel || !steps || !pads || !dilations || *dilations != std::make_pair(int64_t{1}, int64_t{1}))
    return std::nullopt;
  PoolShape shape{kernel->first,
                  kernel->second,
                  steps->first,
                  steps->second,
                  pads->first,
                  pads->second,
                  input.size(2),
                  input.size(3),
                  0,
                  0};
  if (shape.kernel_h < 1 || shape.kernel_w < 1 || shape.stride_h < 1 ||
      (shape.stride_w != 1 && shape.stride_w != 2) || shape.pad_h < 0 || shape.pad_w < 0 ||
      2 * shape.pad_h > shape.kernel_h || 2 * shape.pad_w > shape.kernel_w)
    return std::nullopt;
  // Padding wider than the input: ATen's loop, not a row buffer that grows with it.
  if (shape.pad_h > shape.in_h || shape.pad_w > shape.in_w) return std::nullopt;
  const int64_t span_h = shape.in_h + 2 * shape.pad_h - shape.kernel_h;
  const int64_t span_w = shape.in_w + 2 * shape.pad_w - shape.kernel_w;
  if (span_h < 0 || span_w < 0) return std::nullopt;  // ATen's error message then
  shape.out_h = span_h / shape.stride_h + 1;
  shape.out_w = span_w / shape.stride_w + 1;
  return shape;
}

// Values at positions start, start + 2, ... start + 14 of `row`.
__attribute__((target("avx2,fma"))) inline __m256 load_every_second(const float* row) {
  const __m256 low = _mm256_loadu_ps(row);
  const __m256 high = _mm256_loadu_ps(row + 8);
  // (l0 l2 h0 h2 | l4 l6 h4 h6), then the 64-bit pairs in the order 0 2 1 3.
  const __m256 evens = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(evens), _MM_SHUFFLE(3, 1, 2, 0)));
}

// Takes one input row (with -inf padding) into the maxima of output row
// `out`, in ATen's order and by ATen's rule: a value replaces the maximum
// when it is greater or NaN (so NaN wins, and of equal values the first).
template <int kStride>
__attribute__((target("avx2,fma"))) void pool_row(const float* row, float* out, const PoolShape& shape) {
  int64_t ow = 0;
  for (; ow + 8 <= shape.out_w; ow += 8) {
    __m256 best = _mm256_loadu_ps(out + ow);
    for (int64_t kw = 0; kw < shape.kernel_w; ++kw) {
      const float* window = row + ow * kStride + kw;
      const __m256 value = kStride == 1 ? _mm256_loadu_ps(window) : load_every_second(window);
      const __m256 wins =
          _mm256_or_ps(_mm256_cmp_ps(value, best, _CMP_GT_OQ), _mm256_cmp_ps(value, value, _CMP_UNORD_Q));
      best = _mm256_blendv_ps(best, value, wins);
    }
    _mm256_storeu_ps(out + ow, best);
  }
  for (; ow < shape.out_w; ++ow) {
    float best = out[ow];
    for (int64_t kw = 0; kw < shape.kernel_w; ++kw) {
      const float value = row[ow * kStride + kw];
      if (value > best || std::isnan(value)) best = value;
    }
    out[ow] = best;
  }
}

// Planes [begin, end) of the pool, and the bounds of their output.
__attribute__((target("avx2,fma"))) void max_pool_planes(const float* input, float* output,
                                                         const PoolShape& shape, int64_t begin, int64_t end,
                                                         Bounds& bounds) {
  // One input row with pad_w -inf before it and -inf after it, as far as
  // the last vector of the output row reads.
  std::vector<float> row(shape.pad_w + shape.in_w + (shape.out_w + 16) * shape.stride_w + shape.kernel_w,
                         -kInfinity);
  LaneBounds lanes;
  start_lanes(lanes);
  for (int64_t plane = begin; plane < end; ++plane) {
    const float* in = input + plane * shape.in_h * shape.in_w;
    float* out = output + plane * shape.out_h * shape.out_w;
    for (int64_t oh = 0; oh < shape.out_h; ++oh) {
      float* out_row = out + oh * shape.out_w;
      std::fill(out_row, out_row + shape.out_w, -kInfinity);
      const int64_t first = oh * shape.stride_h - shape.pad_h;
      for (int64_t ih = std::max<int64_t>(first, 0); ih < std::min(first + shape.kernel_h, shape.in_h);
           ++ih) {
        std::copy(in + ih * shape.in_w, in + (ih + 1) * shape.in_w, row.begin() + shape.pad_w);
        if (shape.stride_w == 1) {
          pool_row<1>(row.data(), out_row, shape);
        } else {
          pool_row<2>(row.data(), out_row, shape);
        }
      }
      int64_t ow = 0;
      for (; ow + 8 <= shape.out_w; ow += 8) add_lanes(lanes, _mm256_loadu_ps(out_row + ow));
      for (; ow < shape.out_w; ++ow) bounds.add(out_row[ow]);
    }
  }
  finish_lanes(lanes, bounds);
}

std::tuple<at::Tensor, at::Tensor> max_pool2d_with_range(const at::Tensor& input, at::IntArrayRef kernel_size,
                                                         at::IntArrayRef stride, at::IntArrayRef padding,
                                                         at::IntArrayRef dilation, bool ceil_mode) {
  const auto shape = fast_pool_shape(input, kernel_size, stride, padding, dilation, ceil_mode);
  if (!shape) {
    at::Tensor output = at::max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode);
    return {output, range_of(output)};
  }
  at::Tensor output = at::empty({input.size(0), input.size(1), shape->out_h, shape->out_w}, input.options());
  const float* in = input.data_ptr<float>();
  float* out = output.data_ptr<float>();
  ThreadBounds bounds;
  const int64_t work_per_plane = shape->out_h * shape->out_w * shape->kernel_h * shape->kernel_w;
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(work_per_plane, 1));
  at::parallel_for(0, input.size(0) * input.size(1), grain, [&](int64_t begin, int64_t end) {
    max_pool_planes(in, out, *shape, begin, end, bounds.mine());
  });
  return {output, bounds.merged().tensor()};
}

// Per image and channel of an [N, C, H, W] tensor: maximum, positive
// count, sum and saturated count (map_summary.h), as doubles [N, C, 4];
// an empty tensor for other shapes.
at::Tensor map_summaries(const at::Tensor& input, double low, double high, bool bounded) {
  if (input.dim() != 4) return at::empty({0}, at::kDouble);  // not maps: nothing to summarize
  const at::Tensor maps = input.detach().to(at::kFloat).contiguous();
  const int64_t planes = maps.size(0) * maps.size(1);
  const int64_t positions = maps.size(2) * maps.size(3);
  at::Tensor out = at::zeros({maps.size(0), maps.size(1), 4}, at::kDouble);
  if (positions == 0) return out;
  const float* in = maps.data_ptr<float>();
  double* summary = out.data_ptr<double>();
  const std::pair<float, float> range{static_cast<float>(low), static_cast<float>(high)};
  const std::pair<float, float>* bounds = bounded ? &range : nullptr;
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / positions);
  at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const MapSummary one = summarize_map(in + plane * positions, positions, bounds);
      double* row = summary + plane * 4;
      row[0] = one.maximum;
      row[1] = static_cast<double>(one.positive);
      row[2] = one.total;
      row[3] = static_cast<double>(one.saturated);
    }
  });
  return out;
}

#define ACTSCOPE_BATCH_NORM_ARGUMENTS                                                                       \
  "(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, " \
  "float momentum, float eps, bool cudnn_enabled)"

TORCH_LIBRARY(actscope, library) {
  library.def("batch_norm_with_ranges" ACTSCOPE_BATCH_NORM_ARGUMENTS " -> (Tensor, Tensor, Tensor)",
              &batch_norm_with_ranges);
  library.def("batch_norm_relu_with_ranges" ACTSCOPE_BATCH_NORM_ARGUMENTS
              " -> (Tensor, Tensor, Tensor, Tensor)",
              &batch_norm_relu_with_ranges);
  library.def(
      "max_pool2d_with_range(Tensor self, int[] kernel_size, int[] stride, int[] padding, int[] dilation, "
      "bool ceil_mode) -> (Tensor, Tensor)",
      &max_pool2d_with_range);
  library.def(
      "add_relu_with_range(Tensor self, Tensor other, bool keep_self_dtype) -> (Tensor, Tensor, Tensor)",
      &add_relu_with_range);
  library.def("map_summaries(Tensor self, float low, float high, bool bounded) -> Tensor", &map_summaries);
}

}  // namespace

c10::Symbol batch_norm_with_ranges_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::batch_norm_with_ranges");
  return symbol;
}

c10::Symbol batch_norm_relu_with_ranges_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::batch_norm_relu_with_ranges");
  return symbol;
}

c10::Symbol max_pool2d_with_range_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::max_pool2d_with_range");
  return symbol;
}

c10::Symbol add_relu_with_range_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::add_relu_with_range");
  return symbol;
}

c10::Symbol map_summaries_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::map_summaries");
  return symbol;
}

}  // namespace actscope
