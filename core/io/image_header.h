// Reads an image's width and height from its header bytes without decoding
// the pixels, so that decompression bombs can be refused before they cost
// memory. Knows PNG, JPEG, BMP (Windows and OS/2 headers), WebP (VP8, VP8L,
// VP8X) and TIFF (classic and BigTIFF): the formats images are read in. A
// file of another format is not handed to the decoder at all, since its size
// could not be checked first.
//
// The header is found as the decoder behind cv::imdecode finds it (libpng,
// libjpeg-turbo, OpenCV's BMP reader, libwebp, libtiff): a file the decoder
// reads is never refused here, and the size read here is the one it decodes.
// libjpeg skips stray bytes between segments, so this does too; libtiff takes
// the first of two ImageWidth entries, so this does too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace actscope {

struct ImageSize {
  long long width = 0;
  long long height = 0;
  // Set when the header's size fields are outside what the format or its
  // decoder allows (a zero width, a JPEG side over libjpeg's 65500, ...), or
  // the header cannot be read (cut short, a missing chunk): why. The decoder
  // would refuse such a file too.
  std::string invalid;
  // Set when the decoder reads the file but not all of it is there (a JPEG
  // without its end-of-image marker, whose missing rows libjpeg fills with
  // gray) or it is not laid out as its format says (stray bytes between JPEG
  // segments, which libjpeg skips): what, for the user to see.
  std::string warning;
};

// The size the header in `bytes` declares; for a file of one of the above
// formats whose header cannot be read, a size with `invalid` set. nullopt
// when the bytes are of none of these formats.
std::optional<ImageSize> read_image_size(std::string_view bytes);

// True when a `size` (valid: both sides at least 1) covers more than `limit`
// pixels. No overflow for any values.
bool exceeds_pixels(const ImageSize& size, long long limit);

}  // namespace actscope
