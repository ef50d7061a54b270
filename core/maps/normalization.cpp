#include "core/maps/normalization.h"

#include <algorithm>
#include <cmath>

namespace actscope {
namespace {

FilterStats stats_of(const float* map, size_t size, int index) {
  FilterStats stats;
  stats.index = index;
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
  for (size_t i = 0; i < size; ++i) out[i] = std::isfinite(map[i]) ? (map[i] - low) * scale : 0.0f;
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
