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
};

// The size the header of `path` declares, or nullopt when the format is not
// one of the above or the header is unreadable (the decoder then decides).
std::optional<ImageSize> read_image_size(const std::string& path);

}  // namespace actscope
