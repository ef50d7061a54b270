#include "core/io/npy_reader.h"

#include <cstring>
#include <limits>
#include <algorithm>
#include <cctype>

#include "core/io/file_bytes.h"

namespace actscope {
namespace {

const char kMagic[] = "\x93NUMPY";
// Features of 60,000 images by 4,096 floats are about 1 GiB; far above that is a mistake.
constexpr uint64_t kMostNpyBytes = uint64_t{16} << 30;
// Class indices above this are a mistake (a float array saved as integers, ids instead of classes).
constexpr int64_t kMostClasses = 100000;

// NumPy's own limit on a header it reads (numpy.lib.format, max_header_size).
constexpr size_t kMostHeaderBytes = 10000;

// The value of `key` in the header's dictionary: a quoted string (without
// its quotes), a tuple or a word; "" when the key is missing.
std::string header_value(const std::string& header, const std::string& key) {
  size_t at = std::string::npos;
  for (const char quote : {'\'', '"'}) {
    at = std::min(at, header.find(quote + key + quote));
  }
  if (at == std::string::npos) return "";
  at = header.find_first_not_of(" ", at + key.size() + 2);
  if (at == std::string::npos || header[at] != ':') return "";
  at = header.find_first_not_of(" ", at + 1);
  if (at == std::string::npos) return "";
  const char first = header[at];
  if (first == '\'' || first == '"') {
    const size_t end = header.find(first, at + 1);
    return end == std::string::npos ? "" : header.substr(at + 1, end - at - 1);
  }
  if (first == '(') {
    const size_t end = header.find(')', at);
    return end == std::string::npos ? "" : header.substr(at, end - at + 1);
  }
  size_t end = at;
  while (end < header.size() && (std::isalnum(static_cast<unsigned char>(header[end])) || header[end] == '_')) ++end;
  return header.substr(at, end - at);
}

Result<std::vector<int64_t>> parse_shape(const std::string& tuple) {
  if (tuple.size() < 2 || tuple.front() != '(') return Error{"no shape in its header"};
  std::vector<int64_t> shape;
  std::string number;
  for (char c : tuple.substr(1)) {
    if (c >= '0' && c <= '9') {
      number += c;
      if (number.size() > 15) return Error{"a dimension too large in its shape " + tuple};
    } else if (c == ',' || c == ')') {
      if (!number.empty()) shape.push_back(std::stoll(number));
      number.clear();
    } else if (c != ' ') {
      return Error{"a shape it cannot read: " + tuple};
    }
  }
  return shape;
}

int item_size(const std::string& dtype) {
  if (dtype.size() < 3) return 0;
  const char order = dtype[0];
  const int size = std::atoi(dtype.c_str() + 2);
  if (size > 1 && order != '<') return 0;  // big-endian data
  if (order != '<' && order != '|' && order != '=') return 0;
  return size;
}

}  // namespace

Result<NpyArray> parse_npy(const std::string& bytes) {
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) return Error{"not a .npy file (no NumPy magic)"};
  const auto major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) return Error{"a .npy format version " + std::to_string(major) + " it cannot read"};
  size_t header_length = 0;
  size_t header_start = 10;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  } else {
    if (bytes.size() < 12) return Error{"a .npy header cut short"};
    for (int b = 3; b >= 0; --b) header_length = (header_length << 8) | static_cast<unsigned char>(bytes[8 + b]);
    header_start = 12;
  }
  if (header_length > kMostHeaderBytes) {
    return Error{"a .npy header of " + std::to_string(header_length) + " bytes (NumPy reads at most 10000)"};
  }
  if (header_start + header_length > bytes.size()) return Error{"a .npy header cut short"};
  const std::string header = bytes.substr(header_start, header_length);
  NpyArray array;
  array.dtype = header_value(header, "descr");
  if (header_value(header, "fortran_order") != "False") return Error{"Fortran order (save it C-contiguous)"};
  auto shape = parse_shape(header_value(header, "shape"));
  if (!shape) return Error{shape.error()};
  array.shape = shape.value();
  const int size = item_size(array.dtype);
  if (size == 0) return Error{"data of type '" + array.dtype + "', which is not little-endian numbers"};
  uint64_t count = 1;
  for (int64_t dim : array.shape) {
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / 16 / static_cast<uint64_t>(dim)) {
      return Error{"a shape too large"};
    }
    count *= static_cast<uint64_t>(dim);
  }
  const size_t data_start = header_start + header_length;
  const uint64_t needed = count * static_cast<uint64_t>(size);
  if (bytes.size() - data_start != needed) {
    return Error{"holds " + std::to_string(bytes.size() - data_start) + " bytes of data, its shape needs " +
                 std::to_string(needed)};
  }
  array.data = bytes.substr(data_start);
  return array;
}

Result<std::vector<float>> read_npy_matrix(const std::string& path, int64_t& rows, int64_t& dims) {
  auto bytes = read_file_bytes(path, kMostNpyBytes);
  if (!bytes) return Error{bytes.error()};
  auto array = parse_npy(bytes.value());
  if (!array) return Error{path + ": " + array.error()};
  if (array.value().dtype != "<f4") {
    return Error{path + ": holds '" + array.value().dtype + "', features must be float32 ('<f4')"};
  }
  if (array.value().shape.size() != 2) return Error{path + ": features must be 2-D (images x features)"};
  rows = array.value().shape[0];
  dims = array.value().shape[1];
  std::vector<float> values(static_cast<size_t>(rows * dims));
  std::memcpy(values.data(), array.value().data.data(), values.size() * sizeof(float));
  return values;
}

Result<std::vector<int>> read_npy_classes(const std::string& path) {
  auto bytes = read_file_bytes(path, kMostNpyBytes);
  if (!bytes) return Error{bytes.error()};
  auto array = parse_npy(bytes.value());
  if (!array) return Error{path + ": " + array.error()};
  const NpyArray& npy = array.value();
  const char kind = npy.dtype.size() >= 2 ? npy.dtype[1] : '?';
  const int size = item_size(npy.dtype);
  if ((kind != 'i' && kind != 'u' && kind != 'b') || (size != 1 && size != 2 && size != 4 && size != 8)) {
    return Error{path + ": holds '" + npy.dtype + "', classes must be integers"};
  }
  if (npy.shape.size() != 1) return Error{path + ": classes must be 1-D (one per image)"};
  std::vector<int> classes(static_cast<size_t>(npy.shape[0]));
  for (size_t i = 0; i < classes.size(); ++i) {
    const char* at = npy.data.data() + i * static_cast<size_t>(size);
    int64_t value = 0;
    uint64_t raw = 0;
    std::memcpy(&raw, at, static_cast<size_t>(size));
    if (kind == 'i' && size < 8 && (raw >> (size * 8 - 1)) & 1) raw |= ~uint64_t{0} << (size * 8);
    std::memcpy(&value, &raw, sizeof value);
    if ((kind == 'u' && raw >= static_cast<uint64_t>(kMostClasses)) || (kind != 'u' && value >= kMostClasses) ||
        (kind != 'u' && value < -1)) {
      return Error{path + ": class " + std::to_string(i) + " is " + (kind == 'u' ? std::to_string(raw) : std::to_string(value)) +
                   ", outside -1 (unknown) .. " + std::to_string(kMostClasses - 1)};
    }
    classes[i] = static_cast<int>(value);
  }
  return classes;
}

}  // namespace actscope
