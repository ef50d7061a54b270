#include "core/capture/map_summary.h"

#include <immintrin.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace actscope {
namespace {

constexpr int kLanes = 8;

// Eight running lanes of a map: lane k takes values k, k + 8, k + 16, ...
// The portable loop and the AVX2 one keep exactly these lanes, so both give
// the same sums bit for bit.
struct Lanes {
  float maxima[kLanes];
  float sums[kLanes] = {};
  int32_t positives[kLanes] = {};
  int32_t saturated[kLanes] = {};
};

bool near_bound(float value, const std::pair<float, float>* bounds) {
  return std::fabs(value - bounds->first) <= kBoundTolerance ||
         std::fabs(value - bounds->second) <= kBoundTolerance;
}

// The lanes over values [0, whole), whole a multiple of kLanes.
void lanes_portable(const float* map, int64_t whole, const std::pair<float, float>* bounds, Lanes& lanes) {
  for (int64_t i = 0; i < whole; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const float value = map[i + k];
      lanes.maxima[k] = value > lanes.maxima[k] ? value : lanes.maxima[k];
      lanes.sums[k] += value;
      lanes.positives[k] += value > 0.0f;
      if (bounds) lanes.saturated[k] += near_bound(value, bounds);
    }
  }
}

bool has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

template <bool kBounded>
__attribute__((target("avx2"))) void lanes_avx2(const float* map, int64_t whole, const std::pair<float, float>* bounds,
                                                Lanes& lanes) {
  __m256 maxima = _mm256_loadu_ps(lanes.maxima);
  __m256 sums = _mm256_loadu_ps(lanes.sums);
  __m256i positives = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes.positives));
  __m256i saturated = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes.saturated));
  const __m256 zero = _mm256_setzero_ps();
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 tolerance = _mm256_set1_ps(kBoundTolerance);
  const __m256 low = _mm256_set1_ps(kBounded ? bounds->first : 0.0f);
  const __m256 high = _mm256_set1_ps(kBounded ? bounds->second : 0.0f);
  for (int64_t i = 0; i < whole; i += kLanes) {
    const __m256 value = _mm256_loadu_ps(map + i);
    // max_ps returns its second operand when either is NaN, as `value > m ? value : m` keeps m.
    maxima = _mm256_max_ps(value, maxima);
    sums = _mm256_add_ps(sums, value);
    // A true comparison is all ones, -1 as an integer.
    positives = _mm256_sub_epi32(positives, _mm256_castps_si256(_mm256_cmp_ps(value, zero, _CMP_GT_OQ)));
    if constexpr (kBounded) {
      const __m256 to_low = _mm256_andnot_ps(sign, _mm256_sub_ps(value, low));
      const __m256 to_high = _mm256_andnot_ps(sign, _mm256_sub_ps(value, high));
      const __m256 near = _mm256_or_ps(_mm256_cmp_ps(to_low, tolerance, _CMP_LE_OQ),
                                       _mm256_cmp_ps(to_high, tolerance, _CMP_LE_OQ));
      saturated = _mm256_sub_epi32(saturated, _mm256_castps_si256(near));
    }
  }
  _mm256_storeu_ps(lanes.maxima, maxima);
  _mm256_storeu_ps(lanes.sums, sums);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes.positives), positives);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes.saturated), saturated);
}

}  // namespace

// One pass over eight independent lanes (a single running sum would wait on
// each addition); lanes sum in float over at most a few thousand values.
MapSummary summarize_map(const float* map, int64_t count, const std::pair<float, float>* bounds) {
  Lanes lanes;
  for (float& lane : lanes.maxima) lane = map[0];
  const int64_t whole = count / kLanes * kLanes;
  if (!has_avx2()) {
    lanes_portable(map, whole, bounds, lanes);
  } else if (bounds) {
    lanes_avx2<true>(map, whole, bounds, lanes);
  } else {
    lanes_avx2<false>(map, whole, bounds, lanes);
  }
  MapSummary summary{lanes.maxima[0], 0, 0.0, 0};
  for (int k = 0; k < kLanes; ++k) {
    summary.maximum = std::max(summary.maximum, lanes.maxima[k]);
    summary.total += lanes.sums[k];
    summary.positive += lanes.positives[k];
    summary.saturated += lanes.saturated[k];
  }
  for (int64_t i = whole; i < count; ++i) {
    summary.maximum = std::max(summary.maximum, map[i]);
    summary.total += map[i];
    summary.positive += map[i] > 0.0f;
    if (bounds) summary.saturated += near_bound(map[i], bounds);
  }
  return summary;
}

std::optional<std::pair<float, float>> bounded_range(const std::string& kind) {
  std::string op = kind;
  for (char& c : op) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (op == "sigmoid" || op == "hardsigmoid") return std::make_pair(0.0f, 1.0f);
  if (op == "tanh") return std::make_pair(-1.0f, 1.0f);
  if (op == "relu6") return std::make_pair(0.0f, 6.0f);
  return std::nullopt;
}

}  // namespace actscope
