// Reading pixels back out of the pictures core draws (grids, overlays), for
// tests that check what a picture shows. Header-only.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "core/base/rgb_image.h"
#include "core/maps/grid.h"

namespace actscope::test {

// The RGB pixel at (x, y).
inline std::array<int, 3> pixel(const RgbImage& image, int x, int y) {
  const uint8_t* p = image.pixels.data() + (static_cast<size_t>(y) * image.width + x) * 3;
  return {p[0], p[1], p[2]};
}

// The centre pixel of tile `t` of `grid` (tiles `gap` pixels apart).
inline std::array<int, 3> tile_centre(const Grid& grid, int t, int gap = 2) {
  const int x = gap + (t % grid.columns) * (grid.tile_width + gap) + grid.tile_width / 2;
  const int y =
      grid.caption_height + gap + (t / grid.columns) * (grid.tile_height + gap) + grid.tile_height / 2;
  return pixel(grid.image, x, y);
}

// Whether `part`'s rows from `first_row` on appear, pixel for pixel,
// somewhere in `whole` (a grid inside a sheet composed of several).
inline bool contains_image(const RgbImage& whole, const RgbImage& part, int first_row = 0) {
  const int height = part.height - first_row;
  if (height <= 0 || part.width > whole.width || height > whole.height) return false;
  const size_t row_bytes = static_cast<size_t>(part.width) * 3;
  auto part_row = [&](int y) { return part.pixels.data() + static_cast<size_t>(first_row + y) * row_bytes; };
  auto whole_at = [&](int x, int y) { return whole.pixels.data() + (static_cast<size_t>(y) * whole.width + x) * 3; };
  for (int y = 0; y + height <= whole.height; ++y) {
    for (int x = 0; x + part.width <= whole.width; ++x) {
      int row = 0;
      while (row < height && std::memcmp(whole_at(x, y + row), part_row(row), row_bytes) == 0) ++row;
      if (row == height) return true;
    }
  }
  return false;
}

}  // namespace actscope::test
