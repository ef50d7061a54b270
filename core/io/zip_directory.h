// Reads and checks the central directory of a zip archive without extracting
// anything: which files it holds, where, and whether every one of them lies
// inside the archive as declared. A TorchScript .pt file is such an archive;
// the model room checks it with this before LibTorch's reader sees the file,
// so that a cut-short download or a crafted archive gets a message naming
// what is wrong instead of whatever the reader does with it.
//
// Knows zip64 (archives over 4 GiB, or written so), stored and deflated
// entries. Refuses: a missing end-of-directory record (a truncated file), a
// directory or entry reaching outside the file, entries that overlap (the
// "overlapping files" zip bomb), an entry whose deflated data would expand
// more than deflate can (a zip bomb's declared size), encryption, archives in
// several parts, and compression methods other than stored and deflate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace actscope {

struct ZipEntry {
  std::string name;
  uint64_t header_offset = 0;    // of its local header, from the file's start
  uint64_t data_offset = 0;      // of its (compressed) data
  uint64_t compressed_size = 0;  // bytes in the archive
  uint64_t size = 0;             // bytes once extracted
  uint16_t method = 0;           // 0 stored, 8 deflate
  uint32_t crc32 = 0;            // of the extracted bytes, as the directory declares
};

// Reads `length` bytes from `offset`; fewer when the archive ends before.
class ZipBytes {
 public:
  virtual ~ZipBytes() = default;
  virtual uint64_t size() const = 0;
  virtual std::string read(uint64_t offset, size_t length) const = 0;
};

// The entries of the archive in directory order, or what is wrong with it.
// Messages do not name the file; the caller adds its path.
Result<std::vector<ZipEntry>> read_zip_directory(const ZipBytes& bytes);
// The same over a file (reads only the directory and the local headers) and
// over bytes already in memory (the fuzz harness feeds these).
Result<std::vector<ZipEntry>> read_zip_directory_of_file(const std::string& path);
Result<std::vector<ZipEntry>> read_zip_directory_of_bytes(std::string_view bytes);

}  // namespace actscope
