#include "core/fused_ranges.h"

#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/library.h>

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
bool plain_float_activation(const at::Tensor& tensor) { return plain_float(tensor) && !tensor.requires_grad(); }

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

// A non-temporal store needs a 32-byte aligned address; the others take any.
template <bool kStream>
__attribute__((target("avx2,fma"))) inline void store(float* to, __m256 values) {
  if constexpr (kStream) {
    _mm256_stream_ps(to, values);
  } else {
    _mm256_storeu_ps(to, values);
  }
}

bool aligned_for_streaming(const float* data) { return reinterpret_cast<std::uintptr_t>(data) % 32 == 0; }

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
// registers across planes (small planes are common: 7x7). kStream requires
// every plane of the output to start 32-byte aligned.
template <bool kRelu, bool kStream>
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
      store<kStream>(y + d, result);
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
  if constexpr (kStream) _mm_sfence();  // the stores are visible before the loop's threads join
}

// Runs the batch-norm kernel over every plane on LibTorch's threads and
// returns the bounds of input and output.
template <bool kRelu>
std::pair<Bounds, Bounds> normalize(const NormalizeBuffers& buffers, int64_t planes) {
  ThreadBounds in, out;
  // Streaming when every plane starts aligned; small planes (7x7) stay in the cache anyway.
  const bool stream = kRelu && buffers.plane % 8 == 0 && aligned_for_streaming(buffers.output);
  // ATen's grain: tensors under 32768 values stay on one thread.
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(buffers.plane, 1));
  at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
    if (stream) {
      normalize_planes<kRelu, true>(buffers, begin, end, in.mine(), out.mine());
    } else {
      normalize_planes<kRelu, false>(buffers, begin, end, in.mine(), out.mine());
    }
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
  const auto [in, out] = relu ? normalize<true>(buffers, batch * channels) : normalize<false>(buffers, batch * channels);
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

// Values [begin, end) of sum = a + b and its ReLU, with the sum's bounds.
// a + b rounds once, as ATen's fmadd(b, 1, a) does. kStream requires `sum`
// and `begin` to make 32-byte aligned addresses.
template <bool kStream>
__attribute__((target("avx2,fma"))) void add_relu_values(const float* a, const float* b, float* sum,
                                                         float* relu, int64_t begin, int64_t end,
                                                         Bounds& bounds) {
  LaneBounds lanes;
  start_lanes(lanes);
  const __m256 zero = _mm256_setzero_ps();
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m256 value = _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    store<kStream>(sum + i, value);
    _mm256_storeu_ps(relu + i, _mm256_max_ps(zero, value));
    add_lanes(lanes, value);
  }
  for (; i < end; ++i) {
    sum[i] = a[i] + b[i];
    relu[i] = relu_of(sum[i]);
    bounds.add(sum[i]);
  }
  finish_lanes(lanes, bounds);
  if constexpr (kStream) _mm_sfence();
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> add_relu_with_range(const at::Tensor& self,
                                                                   const at::Tensor& other,
                                                                   bool keep_self_dtype) {
  if (!has_avx2_fma() || !plain_float_activation(self) || !plain_float_activation(other) || self.sizes() != other.sizes() ||
      self.numel() == 0) {
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
  const bool stream = aligned_for_streaming(s);
  ThreadBounds bounds;
  // In blocks of 8 values, so that every thread's part starts aligned.
  const int64_t blocks = (count + 7) / 8;
  at::parallel_for(0, blocks, at::internal::GRAIN_SIZE / 8, [&](int64_t begin, int64_t end) {
    const int64_t first = begin * 8;
    const int64_t last = std::min(end * 8, count);
    if (stream) {
      add_relu_values<true>(a, b, s, r, first, last, bounds.mine());
    } else {
      add_relu_values<false>(a, b, s, r, first, last, bounds.mine());
    }
  });
  return {sum, relu, bounds.merged().tensor()};
}

#define ACTSCOPE_BATCH_NORM_ARGUMENTS                                                                   \
  "(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, " \
  "float momentum, float eps, bool cudnn_enabled)"

TORCH_LIBRARY(actscope, library) {
  library.def("batch_norm_with_ranges" ACTSCOPE_BATCH_NORM_ARGUMENTS " -> (Tensor, Tensor, Tensor)",
              &batch_norm_with_ranges);
  library.def("batch_norm_relu_with_ranges" ACTSCOPE_BATCH_NORM_ARGUMENTS " -> (Tensor, Tensor, Tensor, Tensor)",
              &batch_norm_relu_with_ranges);
  library.def("add_relu_with_range(Tensor self, Tensor other, bool keep_self_dtype) -> (Tensor, Tensor, Tensor)",
              &add_relu_with_range);
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

c10::Symbol add_relu_with_range_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::add_relu_with_range");
  return symbol;
}

}  // namespace actscope
