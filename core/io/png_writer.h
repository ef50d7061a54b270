// PNG files of RGB pictures, written fast. The grids actscope writes repeat
// themselves exactly: tiles are enlarged by nearest neighbour (whole rows and
// runs of pixels repeat) and borders are flat. A general deflate searches
// for those repeats; this writer knows where they are (the row above, the
// pixel to the left) and emits them directly, so a grid costs about one pass
// over its pixels. Pictures with few such repeats (photographs, CAM
// overlays) go through libdeflate at its fastest level instead.
#pragma once

#include <cstdint>
#include <string>

namespace actscope {

// How encode_rgb_png compresses; kAuto chooses per picture, the others are
// for tests and benchmarks.
enum class PngCompression {
  kAuto,     // repeats when the picture is mostly repeats, else general
  kRepeats,  // deflate of the row-above and pixel-to-the-left repeats only
  kGeneral,  // libdeflate level 1, no row filter
};

// The bytes of an 8-bit RGB PNG (no interlace, no row filter) of the
// `width` x `height` pixels at `rgb` (rows of width * 3 bytes, top first).
// Requires width, height > 0; returns "" if encoding fails. Any thread.
std::string encode_rgb_png(const uint8_t* rgb, int width, int height,
                           PngCompression compression = PngCompression::kAuto);

}  // namespace actscope
