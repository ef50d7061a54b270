#include "core/maps/filter_weights.h"

#include <algorithm>
#include <cmath>

#include "core/maps/normalization.h"

namespace actscope {
namespace {

// One filter's [in, kh, kw] values on [0,1] with a single range for the
// whole filter (its kernels stay comparable): the layer mode of normalize_maps.
std::vector<float> normalize_filter(const float* filter, int in, int kh, int kw) {
  return normalize_maps(filter, in, kh, kw, Normalization::kLayer).values;
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
    const auto scaled = normalize_filter(weights.data() + options.expand_filter * filter_size, in, kh, kw);
    for (int c = 0; c < in; ++c) {
      tiles.push_back(colorize(scaled.data() + c * plane, kh, kw, options.grid.colormap));
      indices.push_back(c);
    }
    return compose_tile_grid(tiles, indices, options.grid);
  }
  for (int f = 0; f < out; ++f) {
    const float* filter = weights.data() + f * filter_size;
    if (in == 3) {
      tiles.push_back(color_filter(normalize_filter(filter, in, kh, kw), kh, kw));
    } else {
      std::vector<float> mean(plane, 0.0f);
      for (int c = 0; c < in; ++c) {
        for (size_t i = 0; i < plane; ++i) mean[i] += filter[c * plane + i] / in;
      }
      tiles.push_back(
          colorize(normalize_filter(mean.data(), 1, kh, kw).data(), kh, kw, options.grid.colormap));
    }
    indices.push_back(f);
  }
  return compose_tile_grid(tiles, indices, options.grid);
}

}  // namespace actscope
