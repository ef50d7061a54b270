// Reader for the IDX format of MNIST and Fashion-MNIST (optionally gzipped),
// e.g. the files of Debian's dataset-fashion-mnist package.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace actscope {

// N gray images of height x width pixels, row-major, image after image.
struct IdxImages {
  int count = 0;
  int height = 0;
  int width = 0;
  std::vector<uint8_t> pixels;  // count * height * width bytes

  // The first pixel of image `index` (requires 0 <= index < count).
  const uint8_t* image(int index) const {
    return pixels.data() + static_cast<size_t>(index) * height * width;
  }
};

// Reads an unsigned-byte IDX file of rank 3 (images). Gzip is detected from
// the content, not the name. Errors name the file and what is wrong with it.
Result<IdxImages> read_idx_images(const std::string& path);

// Reads an unsigned-byte IDX file of rank 1 (labels).
Result<std::vector<uint8_t>> read_idx_labels(const std::string& path);

}  // namespace actscope
