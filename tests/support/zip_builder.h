// Writes zip archives for the tests of the zip directory reader and the
// model loader: plain or zip64, with entries whose declared fields may lie.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace actscope::test {

struct ZipBuildEntry {
  ZipBuildEntry(std::string name_, std::string data_, uint16_t method_ = 0, std::optional<uint64_t> size_ = {})
      : name(std::move(name_)), data(std::move(data_)), method(method_), size(size_) {}

  std::string name;
  std::string data;                      // as stored in the archive (already deflated for method 8)
  uint16_t method = 0;                   // 0 stored, 8 deflate
  std::optional<uint64_t> size;          // once extracted; data.size() when unset
  std::optional<uint32_t> crc32;         // zlib's crc32 of data when unset
  uint16_t flags = 0;                    // general purpose bits (bit 0: encrypted)
  std::optional<uint64_t> header_offset; // where the directory says it starts; where it was written when unset
};

// The archive's bytes. With `zip64`, every size and offset of the directory
// goes through zip64 fields and records, as writers do past 4 GiB.
std::string build_zip(const std::vector<ZipBuildEntry>& entries, bool zip64 = false);

// The entries of a readable archive as they are stored (deflated ones stay
// deflated), to be written again by build_zip.
std::vector<ZipBuildEntry> copy_zip_entries(const std::string& archive);

}  // namespace actscope::test
