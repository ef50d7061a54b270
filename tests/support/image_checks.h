// Reading pixels back out of the pictures core draws (grids, overlays), for
// tests that check what a picture shows. Header-only.
#pragma once

#include <array>
#include <cstdint>

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

}  // namespace actscope::test
