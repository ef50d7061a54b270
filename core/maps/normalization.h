// Turns a layer's raw maps into values on [0,1] for drawing, and keeps each
// filter's raw statistics so a dead filter stays recognizable as dead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace actscope {

enum class Normalization {
  kFilter,  // each map on its own: (x - min) / (max - min)
  kLayer,   // one min/max over all maps of the layer: weak filters look weak
  kSigned,  // x / max|x| of each map, mapped from [-1, 1] to [0, 1]: zero in the middle
};

// "filter", "layer", "signed".
std::string to_string(Normalization normalization);
Result<Normalization> parse_normalization(const std::string& name);

// Raw statistics of one map, over its finite values.
struct FilterStats {
  int index = 0;
  float min = 0.0f;
  float max = 0.0f;
  float mean = 0.0f;
  float zero_fraction = 0.0f;  // fraction of values that are exactly 0
  int64_t non_finite = 0;      // NaN and Inf values, drawn as 0
  // Not exactly dead, but its largest magnitude is below kNearDeadRatio of
  // the layer's: drawn as zero under filter and signed normalization instead
  // of being stretched to full brightness.
  bool near_dead = false;
};

// A filter is near-dead when max|x| < kNearDeadRatio * (the layer's max|x|).
constexpr float kNearDeadRatio = 1e-6f;

// `count` maps of height x width, values on [0,1], row-major, map after map.
struct NormalizedMaps {
  int count = 0;
  int height = 0;
  int width = 0;
  std::vector<float> values;
  std::vector<FilterStats> stats;  // one per map
  int64_t non_finite = 0;          // over all maps

  const float* map(int index) const { return values.data() + static_cast<size_t>(index) * height * width; }
};

// Normalizes `count` maps of height x width starting at `data`. A constant
// map (max - min below 1e-12 of its magnitude, or all zero) and a near-dead
// one become all 0 (all 0.5 under kSigned), never NaN. Any thread may call it.
NormalizedMaps normalize_maps(const float* data, int count, int height, int width,
                              Normalization normalization);

}  // namespace actscope
