// What the filter atlas keeps of one map (one image's output of one filter):
// its maximum, how many positions are positive, its sum and how many
// positions sit at a bound of a bounded layer. Computed in one vectorized
// pass, either inside the capture while the map is still in cache
// (CaptureOptions::map_summaries) or afterwards from the captured maps; both
// give the same numbers bit for bit. Torch-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace actscope {

// Positions within this distance of a bound count as saturated.
constexpr float kBoundTolerance = 1e-6f;

struct MapSummary {
  float maximum = 0.0f;   // NaN values are skipped unless the first value is NaN
  int64_t positive = 0;   // values > 0
  double total = 0.0;     // the sum: eight float lanes (value i in lane i % 8), then summed in double
  int64_t saturated = 0;  // values within kBoundTolerance of a bound; 0 without bounds
};

// The summary of `count` (> 0) floats; `bounds` null when the layer is not bounded.
MapSummary summarize_map(const float* map, int64_t count, const std::pair<float, float>* bounds);

// The output range of a layer of `kind` ("Sigmoid", "relu6", ...) when it is
// bounded by its definition: sigmoid and hardsigmoid [0, 1], tanh [-1, 1],
// relu6 [0, 6]. nullopt otherwise.
std::optional<std::pair<float, float>> bounded_range(const std::string& kind);

}  // namespace actscope
