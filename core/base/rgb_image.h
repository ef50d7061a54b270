// RgbImage: 8-bit RGB pixels, the picture type every room shares (decoded
// inputs, grids, CAM overlays, sheets). Plain data, no library types.
#pragma once

#include <cstdint>
#include <vector>

namespace actscope {

// 8-bit RGB pixels, row-major, interleaved.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 3 bytes
};

}  // namespace actscope
