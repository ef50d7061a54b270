#include "core/maps/normalization.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace actscope {
namespace {

// stats_of for a map without NaN or Inf, four values at a time (GCC's
// vector extensions: SSE on x86-64, NEON on arm64); false, and `stats`
// untouched, when a value is not finite. Sums go to doubles in pairs.
bool finite_stats_of(const float* map, size_t size, FilterStats& stats) {
  typedef float Floats __attribute__((vector_size(16)));
  typedef int Ints __attribute__((vector_size(16)));
  typedef double Doubles __attribute__((vector_size(16)));
  Floats low = {INFINITY, INFINITY, INFINITY, INFINITY}, high = -low, bad = {};
  Doubles sum_low = {}, sum_high = {};
  Ints zeros = {};
  size_t i = 0;
  for (; i + 4 <= size; i += 4) {
    Floats v;
    std::memcpy(&v, map + i, sizeof v);
    bad += v - v;  // NaN in a lane where v is NaN or Inf, else 0
    low = v < low ? v : low;
    high = v > high ? v : high;
    zeros -= v == 0.0f;  // a true comparison is -1
    sum_low += Doubles{v[0], v[1]};
    sum_high += Doubles{v[2], v[3]};
  }
  double total = sum_low[0] + sum_low[1] + sum_high[0] + sum_high[1];
  size_t zero_count = static_cast<size_t>(zeros[0]) + zeros[1] + zeros[2] + zeros[3];
  float lowest = std::min({low[0], low[1], low[2], low[3]});
  float highest = std::max({high[0], high[1], high[2], high[3]});
  float tail_bad = bad[0] + bad[1] + bad[2] + bad[3];
  for (; i < size; ++i) {
    const float v = map[i];
    tail_bad += v - v;
    lowest = std::min(lowest, v);
    highest = std::max(highest, v);
    total += v;
    zero_count += v == 0.0f;
  }
  if (tail_bad != 0.0f) return false;  // NaN != 0
  if (size > 0) {
    stats.min = lowest;
    stats.max = highest;
    stats.mean = static_cast<float>(total / size);
    stats.zero_fraction = static_cast<float>(zero_count) / size;
  }
  return true;
}

FilterStats stats_of(const float* map, size_t size, int index) {
  FilterStats stats;
  stats.index = index;
  if (finite_stats_of(map, size, stats)) return stats;
  double sum = 0.0;
  size_t finite = 0, zeros = 0;
  float low = INFINITY, high = -INFINITY;
  for (size_t i = 0; i < size; ++i) {
    const float v = map[i];
    if (!std::isfinite(v)) {
      ++stats.non_finite;
      continue;
    }
    ++finite;
    sum += v;
    zeros += v == 0.0f;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  if (finite > 0) {
    stats.min = low;
    stats.max = high;
    stats.mean = static_cast<float>(sum / finite);
  }
  stats.zero_fraction = size > 0 ? static_cast<float>(zeros) / size : 0.0f;
  return stats;
}

// Nothing to show when the range is negligible next to the values themselves.
bool is_constant(float low, float high) {
  const float magnitude = std::max(std::fabs(low), std::fabs(high));
  return magnitude == 0.0f || (high - low) < 1e-12f * magnitude;
}

void scale_into(const float* map, size_t size, float low, float high, float* out) {
  if (is_constant(low, high)) {
    std::fill(out, out + size, 0.0f);
    return;
  }
  const float scale = 1.0f / (high - low);
  for (size_t i = 0; i < size; ++i) {
    const float v = map[i];
    out[i] = v - v == 0.0f ? (v - low) * scale : 0.0f;  // v - v is NaN for NaN and Inf
  }
}

void signed_into(const float* map, size_t size, const FilterStats& stats, float* out) {
  const float peak = std::max(std::fabs(stats.min), std::fabs(stats.max));
  const float scale = peak > 0.0f ? 0.5f / peak : 0.0f;
  for (size_t i = 0; i < size; ++i) out[i] = std::isfinite(map[i]) ? 0.5f + map[i] * scale : 0.0f;
}

}  // namespace

std::string to_string(Normalization normalization) {
  switch (normalization) {
    case Normalization::kFilter:
      return "filter";
    case Normalization::kLayer:
      return "layer";
    case Normalization::kSigned:
      return "signed";
  }
  return "filter";
}

Result<Normalization> parse_normalization(const std::string& name) {
  for (auto mode : {Normalization::kFilter, Normalization::kLayer, Normalization::kSigned}) {
    if (to_string(mode) == name) return mode;
  }
  return Error{"unknown normalization '" + name + "' (use filter, layer or signed)"};
}

NormalizedMaps normalize_maps(const float* data, int count, int height, int width,
                              Normalization normalization) {
  NormalizedMaps maps;
  maps.count = count;
  maps.height = height;
  maps.width = width;
  const size_t size = static_cast<size_t>(height) * width;
  maps.values.resize(size * count);
  for (int c = 0; c < count; ++c) {
    maps.stats.push_back(stats_of(data + c * size, size, c));
    maps.non_finite += maps.stats.back().non_finite;
  }
  float layer_low = INFINITY, layer_high = -INFINITY;
  for (const auto& stats : maps.stats) {
    layer_low = std::min(layer_low, stats.min);
    layer_high = std::max(layer_high, stats.max);
  }
  const float layer_peak = std::max(std::fabs(layer_low), std::fabs(layer_high));
  for (int c = 0; c < count; ++c) {
    const float* map = data + c * size;
    float* out = maps.values.data() + c * size;
    FilterStats& stats = maps.stats[c];
    const float peak = std::max(std::fabs(stats.min), std::fabs(stats.max));
    stats.near_dead = peak > 0.0f && std::isfinite(layer_peak) && peak < kNearDeadRatio * layer_peak;
    if (stats.near_dead && normalization != Normalization::kLayer) {
      std::fill(out, out + size, normalization == Normalization::kSigned ? 0.5f : 0.0f);
      continue;
    }
    switch (normalization) {
      case Normalization::kFilter:
        scale_into(map, size, stats.min, stats.max, out);
        break;
      case Normalization::kLayer:
        scale_into(map, size, layer_low, layer_high, out);
        break;
      case Normalization::kSigned:
        signed_into(map, size, stats, out);
        break;
    }
  }
  return maps;
}

}  // namespace actscope
