// A reader of NumPy .npy files (format versions 1.0 to 3.0) for the arrays
// users hand the command line: a float32 matrix of features and an integer
// vector of classes. Little-endian (or byte-sized) data in C order; anything
// else is refused with a message that says what the file holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace actscope {

struct NpyArray {
  std::string dtype;            // the header's descr, such as "<f4" or "<i8"
  std::vector<int64_t> shape;
  std::string data;             // the raw little-endian bytes, C order
};

// Parses the bytes of a .npy file; errors say what is wrong ("not a .npy
// file", "Fortran order", "holds 10 bytes, the shape needs 40").
Result<NpyArray> parse_npy(const std::string& bytes);

// Reads `path`: a 2-D float32 array (rows x dims), as floats. Errors name the file.
Result<std::vector<float>> read_npy_matrix(const std::string& path, int64_t& rows, int64_t& dims);

// Reads `path`: a 1-D array of any integer type (or booleans), as ints:
// classes from -1 (unknown) to 99,999; others are refused. Errors name the file.
Result<std::vector<int>> read_npy_classes(const std::string& path);

}  // namespace actscope
