#include "core/io/idx_file.h"

#include <zlib.h>

#include <array>

namespace actscope {
namespace {

constexpr uint8_t kUnsignedByte = 0x08;
// A safety limit: the largest IDX file we accept once decompressed (1 GiB).
constexpr size_t kMaxBytes = size_t{1} << 30;

// Reads the whole file, inflating it when it is gzipped (gzread passes plain
// files through unchanged).
Result<std::vector<uint8_t>> read_maybe_gzipped(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return Error{path + ": cannot open the file"};
  std::vector<uint8_t> bytes;
  std::array<uint8_t, 1 << 16> chunk{};
  int read = 0;
  while ((read = gzread(file, chunk.data(), chunk.size())) > 0) {
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + read);
    if (bytes.size() > kMaxBytes) {
      gzclose(file);
      return Error{path + ": larger than 1 GiB once decompressed; not an IDX dataset"};
    }
  }
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  bool failed = read < 0 || (code != Z_OK && code != Z_STREAM_END);
  std::string reason = failed ? std::string(message) : std::string();
  gzclose(file);
  if (failed) return Error{path + ": cannot read the file (" + reason + "; truncated download?)"};
  return bytes;
}

uint32_t big_endian_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Checks the IDX header and returns the dimensions; the data follows them.
Result<std::vector<uint32_t>> parse_header(const std::vector<uint8_t>& bytes, const std::string& path,
                                           int expected_rank) {
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) {
    return Error{path + ": not an IDX file (bad magic number)"};
  }
  if (bytes[2] != kUnsignedByte) return Error{path + ": IDX data type is not unsigned byte"};
  const int rank = bytes[3];
  if (rank != expected_rank) {
    return Error{path + ": IDX file has " + std::to_string(rank) + " dimensions, expected " +
                 std::to_string(expected_rank) + (expected_rank == 3 ? " (images)" : " (labels)")};
  }
  if (bytes.size() < 4 + 4 * static_cast<size_t>(rank)) return Error{path + ": IDX header is truncated"};
  std::vector<uint32_t> dims;
  size_t elements = 1;
  for (int i = 0; i < rank; ++i) {
    dims.push_back(big_endian_u32(bytes.data() + 4 + 4 * i));
    elements *= dims.back();
    if (elements > kMaxBytes) return Error{path + ": IDX dimensions are implausibly large"};
  }
  const size_t expected = 4 + 4 * static_cast<size_t>(rank) + elements;
  if (bytes.size() != expected) {
    return Error{path + ": IDX file holds " + std::to_string(bytes.size()) + " bytes, its header promises " +
                 std::to_string(expected)};
  }
  return dims;
}

}  // namespace

Result<IdxImages> read_idx_images(const std::string& path) {
  auto bytes = read_maybe_gzipped(path);
  if (!bytes) return Error{bytes.error()};
  auto dims = parse_header(bytes.value(), path, 3);
  if (!dims) return Error{dims.error()};
  IdxImages images;
  images.count = static_cast<int>(dims.value()[0]);
  images.height = static_cast<int>(dims.value()[1]);
  images.width = static_cast<int>(dims.value()[2]);
  images.pixels.assign(bytes.value().begin() + 16, bytes.value().end());
  return images;
}

Result<std::vector<uint8_t>> read_idx_labels(const std::string& path) {
  auto bytes = read_maybe_gzipped(path);
  if (!bytes) return Error{bytes.error()};
  auto dims = parse_header(bytes.value(), path, 1);
  if (!dims) return Error{dims.error()};
  return std::vector<uint8_t>(bytes.value().begin() + 8, bytes.value().end());
}

}  // namespace actscope
