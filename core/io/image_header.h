// Reads an image's width and height from its file header without decoding
// the pixels, so that decompression bombs can be refused before they cost
// memory. Knows PNG, JPEG, BMP (Windows and OS/2 headers), WebP (VP8, VP8L,
// VP8X) and TIFF (classic and BigTIFF): the formats images are read in. A
// file of another format is not handed to the decoder at all, since its size
// could not be checked first.
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

// The size the header of `path` declares; for a file of one of the above
// formats whose header cannot be read (cut short, a missing chunk), a size
// with `invalid` set. nullopt when the file is of none of these formats.
std::optional<ImageSize> read_image_size(const std::string& path);
// The same for a file's bytes already in memory (the fuzz harness feeds it).
std::optional<ImageSize> read_image_size_of_bytes(const std::string& bytes);

// True when a `size` (valid: both sides at least 1) covers more than `limit`
// pixels. No overflow for any values.
bool exceeds_pixels(const ImageSize& size, long long limit);

}  // namespace actscope
