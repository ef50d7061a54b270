// A small writer of NumPy .npy files (format version 1.0): float32, little
// endian, C order. numpy.load reads them back unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace actscope {

// The bytes of a .npy file holding `values` with `shape` (product of shape
// == values' count; an empty shape is a scalar).
std::string encode_npy(const float* values, const std::vector<int64_t>& shape);

// Writes that file atomically (see write_file_atomically).
Status write_npy(const std::string& path, const float* values, const std::vector<int64_t>& shape);

}  // namespace actscope
