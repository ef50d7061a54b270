#include "core/maps/filter_weights.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

WeightAt weight_at(const FloatArray& weights, const Grid& grid, int expand_filter, int x, int y) {
  const auto& shape = weights.shape();
  if (shape.size() != 4 || grid.columns <= 0 || grid.tile_width <= 0) return {};
  const int inputs = static_cast<int>(shape[1]);
  const int kh = static_cast<int>(shape[2]);
  const int kw = static_cast<int>(shape[3]);
  const int column = (x - grid.gap) / (grid.tile_width + grid.gap);
  const int row = (y - grid.caption_height - grid.gap) / (grid.tile_height + grid.gap);
  const int left = grid.gap + column * (grid.tile_width + grid.gap);
  const int top = grid.caption_height + grid.gap + row * (grid.tile_height + grid.gap);
  const int tile = row * grid.columns + column;
  if (x < left || y < top || column >= grid.columns || tile < 0 || tile >= static_cast<int>(grid.filters.size()) ||
      x >= left + grid.tile_width || y >= top + grid.tile_height) {
    return {};
  }
  WeightAt at;
  at.filter = grid.filters[static_cast<size_t>(tile)];
  at.row = (y - top) * kh / grid.tile_height;
  at.column = (x - left) * kw / grid.tile_width;
  auto value = [&](int filter, int input) {
    return weights.data()[((static_cast<size_t>(filter) * inputs + input) * kh + at.row) * kw + at.column];
  };
  auto number = [](float v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", static_cast<double>(v));
    return std::string(text);
  };
  const std::string place = "  row " + std::to_string(at.row) + ", column " + std::to_string(at.column);
  if (expand_filter >= 0) {
    at.text = "filter " + std::to_string(expand_filter) + ", input " + std::to_string(at.filter) + place + " = " +
              number(value(expand_filter, at.filter));
  } else if (inputs == 3) {
    at.text = "filter " + std::to_string(at.filter) + place + ":  R " + number(value(at.filter, 0)) + "  G " +
              number(value(at.filter, 1)) + "  B " + number(value(at.filter, 2));
  } else if (inputs == 1) {
    at.text = "filter " + std::to_string(at.filter) + place + " = " + number(value(at.filter, 0));
  } else {
    float sum = 0.0f;
    for (int input = 0; input < inputs; ++input) sum += value(at.filter, input);
    at.text = "filter " + std::to_string(at.filter) + place + ": mean of " + std::to_string(inputs) +
              " inputs = " + number(sum / inputs) + " (double-click for each input's kernel)";
  }
  return at;
}

}  // namespace actscope
