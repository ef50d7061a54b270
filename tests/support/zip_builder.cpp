#include "tests/support/zip_builder.h"

#include <zlib.h>

#include "core/io/zip_directory.h"

namespace actscope::test {
namespace {

void put(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i) & 0xff));
}

uint32_t crc_of(const ZipBuildEntry& entry) {
  if (entry.crc32) return *entry.crc32;
  return static_cast<uint32_t>(
      ::crc32(0, reinterpret_cast<const Bytef*>(entry.data.data()), static_cast<uInt>(entry.data.size())));
}

void put_local_header(std::string& out, const ZipBuildEntry& entry) {
  put(out, 0x04034b50, 4);
  put(out, 45, 2);  // version needed
  put(out, entry.flags, 2);
  put(out, entry.method, 2);
  put(out, 0, 4);  // time and date
  put(out, crc_of(entry), 4);
  put(out, entry.data.size(), 4);
  put(out, entry.size.value_or(entry.data.size()), 4);
  put(out, entry.name.size(), 2);
  put(out, 0, 2);
  out += entry.name;
  out += entry.data;
}

void put_central_header(std::string& out, const ZipBuildEntry& entry, uint64_t offset, bool zip64) {
  const uint64_t size = entry.size.value_or(entry.data.size());
  put(out, 0x02014b50, 4);
  put(out, 45, 2);  // version made by
  put(out, 45, 2);  // version needed
  put(out, entry.flags, 2);
  put(out, entry.method, 2);
  put(out, 0, 4);
  put(out, crc_of(entry), 4);
  put(out, zip64 ? 0xffffffff : entry.data.size(), 4);
  put(out, zip64 ? 0xffffffff : size, 4);
  put(out, entry.name.size(), 2);
  put(out, zip64 ? 28 : 0, 2);  // extra
  put(out, 0, 2);               // comment
  put(out, 0, 2);               // disk
  put(out, 0, 2);               // internal attributes
  put(out, 0, 4);               // external attributes
  put(out, zip64 ? 0xffffffff : offset, 4);
  out += entry.name;
  if (zip64) {
    put(out, 0x0001, 2);
    put(out, 24, 2);
    put(out, size, 8);
    put(out, entry.data.size(), 8);
    put(out, offset, 8);
  }
}

void put_end_records(std::string& out, uint64_t entries, uint64_t directory_offset, bool zip64) {
  const uint64_t directory_size = out.size() - directory_offset;
  if (zip64) {
    const uint64_t record_offset = out.size();
    put(out, 0x06064b50, 4);
    put(out, 44, 8);  // size of the rest of the record
    put(out, 45, 2);
    put(out, 45, 2);
    put(out, 0, 4);
    put(out, 0, 4);
    put(out, entries, 8);
    put(out, entries, 8);
    put(out, directory_size, 8);
    put(out, directory_offset, 8);
    put(out, 0x07064b50, 4);
    put(out, 0, 4);
    put(out, record_offset, 8);
    put(out, 1, 4);
  }
  put(out, 0x06054b50, 4);
  put(out, 0, 2);
  put(out, 0, 2);
  put(out, zip64 ? 0xffff : entries, 2);
  put(out, zip64 ? 0xffff : entries, 2);
  put(out, zip64 ? 0xffffffff : directory_size, 4);
  put(out, zip64 ? 0xffffffff : directory_offset, 4);
  put(out, 0, 2);
}

}  // namespace

std::string build_zip(const std::vector<ZipBuildEntry>& entries, bool zip64) {
  std::string out;
  std::vector<uint64_t> offsets;
  for (const auto& entry : entries) {
    offsets.push_back(entry.header_offset.value_or(out.size()));
    put_local_header(out, entry);
  }
  const uint64_t directory_offset = out.size();
  for (size_t i = 0; i < entries.size(); ++i) put_central_header(out, entries[i], offsets[i], zip64);
  put_end_records(out, entries.size(), directory_offset, zip64);
  return out;
}

std::vector<ZipBuildEntry> copy_zip_entries(const std::string& archive) {
  const auto entries = read_zip_directory_of_bytes(archive);
  std::vector<ZipBuildEntry> copies;
  for (const ZipEntry& entry : entries.value()) {
    copies.emplace_back(entry.name, archive.substr(entry.data_offset, entry.compressed_size), entry.method, entry.size);
    copies.back().crc32 = entry.crc32;
  }
  return copies;
}

}  // namespace actscope::test
