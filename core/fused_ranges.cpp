#include "core/fused_ranges.h"

#include <immintrin.h>

#include <cmath>
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

at::Tensor range_of(const at::Tensor& values) {
  if (values.numel() == 0) return at::zeros({2}, at::kFloat);
  auto [low, high] = at::aminmax(values.detach().to(at::kFloat));
  return at::stack({low, high});
}

bool is_channel_vector(const c10::optional<at::Tensor>& tensor, int64_t channels) {
  return !tensor || !tensor->defined() ||
         (tensor->scalar_type() == at::kFloat && tensor->dim() == 1 && tensor->size(0) == channels &&
          tensor->is_contiguous() && tensor->device().is_cpu());
}

// Whether the one-pass kernel computes what aten::batch_norm does here:
// inference with running statistics on a contiguous float32 CPU input.
bool fusable(const at::Tensor& input, const c10::optional<at::Tensor>& weight,
             const c10::optional<at::Tensor>& bias, const c10::optional<at::Tensor>& running_mean,
             const c10::optional<at::Tensor>& running_var, bool training) {
  if (training || !running_mean || !running_mean->defined() || !running_var || !running_var->defined())
    return false;
  if (input.scalar_type() != at::kFloat || input.dim() < 2 || !input.is_contiguous() || input.numel() == 0 ||
      !input.device().is_cpu() || input.requires_grad())
    return false;
  const int64_t channels = input.size(1);
  return is_channel_vector(weight, channels) && is_channel_vector(bias, channels) &&
         is_channel_vector(running_mean, channels) && is_channel_vector(running_var, channels);
}

// Planes [begin, end) of a [N, C, plane] input: output = fma(input, alpha,
// beta) per channel, bit for bit what ATen's vectorized batch norm computes,
// and the bounds of both, kept in registers across planes (small planes are
// common: 7x7). _mm256_min_ps drops NaN, so NaN is tracked on its own.
__attribute__((target("avx2,fma"))) void normalize_planes(const float* input, float* output, int64_t begin,
                                                          int64_t end, int64_t plane, int64_t channels,
                                                          const float* alpha, const float* beta, Bounds& in,
                                                          Bounds& out) {
  __m256 in_low = _mm256_set1_ps(kInfinity), in_high = _mm256_set1_ps(-kInfinity);
  __m256 out_low = in_low, out_high = in_high;
  __m256 nan = _mm256_setzero_ps();
  for (int64_t i = begin; i < end; ++i) {
    const float* x = input + i * plane;
    float* y = output + i * plane;
    const int64_t c = i % channels;
    const __m256 alpha_vec = _mm256_set1_ps(alpha[c]);
    const __m256 beta_vec = _mm256_set1_ps(beta[c]);
    int64_t d = 0;
    for (; d + 8 <= plane; d += 8) {
      const __m256 value = _mm256_loadu_ps(x + d);
      const __m256 result = _mm256_fmadd_ps(value, alpha_vec, beta_vec);
      _mm256_storeu_ps(y + d, result);
      in_low = _mm256_min_ps(in_low, value);
      in_high = _mm256_max_ps(in_high, value);
      out_low = _mm256_min_ps(out_low, result);
      out_high = _mm256_max_ps(out_high, result);
      nan = _mm256_or_ps(nan, _mm256_cmp_ps(result, value, _CMP_UNORD_Q));
    }
    for (; d < plane; ++d) {
      y[d] = std::fma(x[d], alpha[c], beta[c]);
      in.add(x[d]);
      out.add(y[d]);
    }
  }
  float lows[8], highs[8];
  _mm256_storeu_ps(lows, in_low);
  _mm256_storeu_ps(highs, in_high);
  for (int k = 0; k < 8; ++k) in.merge(lows[k], highs[k]);
  _mm256_storeu_ps(lows, out_low);
  _mm256_storeu_ps(highs, out_high);
  for (int k = 0; k < 8; ++k) out.merge(lows[k], highs[k]);
  if (_mm256_movemask_ps(nan) != 0) {
    // Which side holds the NaN does not matter: NaN in means NaN out.
    in.add(std::numeric_limits<float>::quiet_NaN());
    out.add(std::numeric_limits<float>::quiet_NaN());
  }
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> batch_norm_with_ranges(
    const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
    bool training, double momentum, double eps, bool cudnn_enabled) {
  // Without FMA, ATen's rounding differs from this kernel's: run ATen's.
  static const bool has_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!has_fma || !fusable(input, weight, bias, running_mean, running_var, training)) {
    at::Tensor output = at::batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                                       eps, cudnn_enabled);
    return {output, range_of(input), range_of(output)};
  }
  const int64_t batch = input.size(0);
  const int64_t channels = input.size(1);
  const int64_t plane = input.numel() / (batch * channels);
  // ATen's batch_norm_cpu_collect_linear_and_constant_terms, in inference.
  std::vector<float> alpha(channels), beta(channels);
  const float* mean = running_mean->data_ptr<float>();
  const float* var = running_var->data_ptr<float>();
  const float* w = weight && weight->defined() ? weight->data_ptr<float>() : nullptr;
  const float* b = bias && bias->defined() ? bias->data_ptr<float>() : nullptr;
  for (int64_t c = 0; c < channels; ++c) {
    const float invstd = 1 / std::sqrt(var[c] + static_cast<float>(eps));
    alpha[c] = invstd * (w ? w[c] : 1.0f);
    beta[c] = std::fma(-mean[c], alpha[c], b ? b[c] : 0.0f);
  }
  at::Tensor output = at::empty_like(input);
  const float* in = input.data_ptr<float>();
  float* out = output.data_ptr<float>();
  // Bounds per thread, combined after the parallel loop.
  std::vector<Bounds> in_bounds(at::get_num_threads()), out_bounds(at::get_num_threads());
  // ATen's grain: tensors under 32768 values stay on one thread.
  const int64_t grain = std::max<int64_t>(1, at::internal::GRAIN_SIZE / std::max<int64_t>(plane, 1));
  at::parallel_for(0, batch * channels, grain, [&](int64_t begin, int64_t end) {
    const int thread = at::get_thread_num();
    normalize_planes(in, out, begin, end, plane, channels, alpha.data(), beta.data(), in_bounds[thread],
                     out_bounds[thread]);
  });
  Bounds in_range, out_range;
  for (size_t t = 0; t < in_bounds.size(); ++t) {
    in_range.merge(in_bounds[t]);
    out_range.merge(out_bounds[t]);
  }
  return {output, in_range.tensor(), out_range.tensor()};
}

TORCH_LIBRARY(actscope, library) {
  library.def(
      "batch_norm_with_ranges(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, "
      "Tensor? running_var, bool training, float momentum, float eps, bool cudnn_enabled) "
      "-> (Tensor, Tensor, Tensor)",
      &batch_norm_with_ranges);
}

}  // namespace

c10::Symbol batch_norm_with_ranges_symbol() {
  static const c10::Symbol symbol = c10::Symbol::fromQualString("actscope::batch_norm_with_ranges");
  return symbol;
}

}  // namespace actscope
