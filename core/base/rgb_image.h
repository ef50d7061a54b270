// RgbImage: 8-bit RGB pixels, the picture type every room shares (decoded
// inputs, grids, CAM overlays, sheets). Plain data, no library types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace actscope {

// 8-bit RGB pixels, row-major, interleaved.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 3 bytes
};

// A one-pixel outline through columns left..right and rows top..bottom
// (inclusive) in colour (r, g, b), the parts outside the image left out.
inline void draw_frame(RgbImage& image, int left, int top, int right, int bottom, uint8_t r, uint8_t g, uint8_t b) {
  auto mark = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
    uint8_t* pixel = image.pixels.data() + (static_cast<size_t>(y) * image.width + x) * 3;
    pixel[0] = r;
    pixel[1] = g;
    pixel[2] = b;
  };
  for (int x = left; x <= right; ++x) {
    mark(x, top);
    mark(x, bottom);
  }
  for (int y = top; y <= bottom; ++y) {
    mark(left, y);
    mark(right, y);
  }
}

}  // namespace actscope
