#include "core/io/npy_writer.h"

#include <cstring>
#include <functional>
#include <numeric>

#include "core/io/atomic_file.h"

namespace actscope {

std::string encode_npy(const float* values, const std::vector<int64_t>& shape) {
  // A Python tuple: (), (5,), (2, 3).
  std::string shape_text = "(";
  for (size_t i = 0; i < shape.size(); ++i) shape_text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  shape_text += shape.size() == 1 ? ",)" : ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text + ", }";
  // Magic (6) + version (2) + header length (2) + header, padded with spaces
  // and ended by a newline so the data starts at a multiple of 64 bytes.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes.push_back(static_cast<char>(header.size() & 0xff));
  bytes.push_back(static_cast<char>(header.size() >> 8));
  bytes += header;
  const int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  const size_t data_start = bytes.size();
  bytes.resize(data_start + count * sizeof(float));
  std::memcpy(&bytes[data_start], values, count * sizeof(float));  // x86 and ARM Linux are little endian
  return bytes;
}

Status write_npy(const std::string& path, const float* values, const std::vector<int64_t>& shape) {
  return write_file_atomically(path, encode_npy(values, shape));
}

}  // namespace actscope
