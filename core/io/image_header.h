// Reads an image's width and height from its file header without decoding
// the pixels, so that decompression bombs can be refused before they cost
// memory. Knows PNG, JPEG, BMP, WebP and TIFF.
#pragma once

#include <optional>
#include <string>

namespace actscope {

struct ImageSize {
  long long width = 0;
  long long height = 0;
  // Set when the header's size fields are outside its format's specification
  // (a zero or negative width, a PNG dimension over 2^31-1, ...): why.
  std::string invalid;
  // Set when the file visibly stops short (a JPEG without its end-of-image
  // marker, which the decoder would fill with gray): why.
  std::string damaged;
};

// The size the header of `path` declares, or nullopt when the format is not
// one of the above or the header is unreadable (the decoder then decides).
std::optional<ImageSize> read_image_size(const std::string& path);
// The same for a file's bytes already in memory (the fuzz harness feeds it).
std::optional<ImageSize> read_image_size_of_bytes(const std::string& bytes);

// True when a `size` (valid: both sides at least 1) covers more than `limit`
// pixels. No overflow for any values.
bool exceeds_pixels(const ImageSize& size, long long limit);

}  // namespace actscope
