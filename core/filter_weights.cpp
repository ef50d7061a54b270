#include "core/filter_weights.h"

#include <algorithm>
#include <cmath>

namespace actscope {
namespace {

// (x - min) / (max - min) over `count` values; constant filters become 0.
std::vector<float> unit_range(const float* values, size_t count) {
  const auto [low, high] = std::minmax_element(values, values + count);
  std::vector<float> scaled(count, 0.0f);
  if (*high - *low > 1e-12f * std::max(std::fabs(*low), std::fabs(*high))) {
    for (size_t i = 0; i < count; ++i) scaled[i] = (values[i] - *low) / (*high - *low);
  }
  return scaled;
}

RgbImage color_filter(const std::vector<float>& scaled, int kh, int kw) {
  RgbImage tile{kw, kh, std::vector<uint8_t>(static_cast<size_t>(kh) * kw * 3)};
  const size_t plane = static_cast<size_t>(kh) * kw;
  for (size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c)
      tile.pixels[i * 3 + c] = static_cast<uint8_t>(std::lround(scaled[c * plane + i] * 255));
  }
  return tile;
}

}  // namespace

Result<Grid> compose_weight_grid(const FloatArray& weights, const WeightGridOptions& options) {
  if (weights.dim() != 4) return Error{"conv weights must be [out, in, kh, kw]"};
  const int out = static_cast<int>(weights.shape()[0]);
  const int in = static_cast<int>(weights.shape()[1]);
  const int kh = static_cast<int>(weights.shape()[2]);
  const int kw = static_cast<int>(weights.shape()[3]);
  const size_t plane = static_cast<size_t>(kh) * kw;
  const size_t filter_size = plane * in;
  std::vector<RgbImage> tiles;
  std::vector<int> indices;
  if (options.expand_filter >= 0) {
    if (options.expand_filter >= out) {
      return Error{"filter " + std::to_string(options.expand_filter) + " does not exist (the layer has " +
                   std::to_string(out) + ")"};
    }
    // One filter's kernels share the filter's range, so their strengths compare.
    const auto scaled = unit_range(weights.data() + options.expand_filter * filter_size, filter_size);
    for (int c = 0; c < in; ++c) {
      tiles.push_back(colorize(scaled.data() + c * plane, kh, kw, options.grid.colormap));
      indices.push_back(c);
    }
    return compose_tile_grid(tiles, indices, options.grid);
  }
  for (int f = 0; f < out; ++f) {
    const float* filter = weights.data() + f * filter_size;
    if (in == 3) {
      tiles.push_back(color_filter(unit_range(filter, filter_size), kh, kw));
    } else {
      std::vector<float> mean(plane, 0.0f);
      for (int c = 0; c < in; ++c) {
        for (size_t i = 0; i < plane; ++i) mean[i] += filter[c * plane + i] / in;
      }
      tiles.push_back(colorize(unit_range(mean.data(), plane).data(), kh, kw, options.grid.colormap));
    }
    indices.push_back(f);
  }
  return compose_tile_grid(tiles, indices, options.grid);
}

}  // namespace actscope
