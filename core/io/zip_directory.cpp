#include "core/io/zip_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <optional>

namespace actscope {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndRecord = 0x06054b50;
constexpr uint32_t kZip64EndRecord = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndRecordSize = 22;
constexpr size_t kZip64EndRecordSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr uint32_t kUnset32 = 0xffffffff;
constexpr uint16_t kUnset16 = 0xffff;
// Deflate cannot expand data more than this (a 258-byte match per 2 bits).
constexpr uint64_t kDeflateMaxRatio = 1032;

uint64_t little_endian(std::string_view bytes, size_t at, size_t width) {
  uint64_t value = 0;
  for (size_t i = width; i-- > 0;) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}
uint16_t u16(std::string_view bytes, size_t at) { return static_cast<uint16_t>(little_endian(bytes, at, 2)); }
uint32_t u32(std::string_view bytes, size_t at) { return static_cast<uint32_t>(little_endian(bytes, at, 4)); }
uint64_t u64(std::string_view bytes, size_t at) { return little_endian(bytes, at, 8); }

// True when [offset, offset + length) lies within [0, end).
bool inside(uint64_t offset, uint64_t length, uint64_t end) { return offset <= end && length <= end - offset; }

struct Directory {
  uint64_t entries = 0;
  uint64_t size = 0;
  uint64_t offset = 0;
  uint64_t end = 0;  // where the records after the directory start
};

// The end-of-directory record, found as LibTorch's zip reader (miniz) finds
// it: the last signature with at least 22 bytes from it to the end of the
// file, searched backwards in 4 KiB windows until 64 KiB + 22 bytes from the
// end. (Its comment length is not consulted: a signature inside a comment
// counts, for miniz and so for this check.)
Result<uint64_t> find_end_record(const ZipBytes& bytes) {
  constexpr uint64_t kWindow = 4096;
  const uint64_t size = bytes.size();
  const Error missing{"no zip directory at its end: the file was cut short or is not a zip archive"};
  if (size < kEndRecordSize) return missing;
  uint64_t at = size > kWindow ? size - kWindow : 0;
  for (;;) {
    const size_t n = static_cast<size_t>(std::min(kWindow, size - at));
    const std::string window = bytes.read(at, n);
    if (window.size() != n) return Error{"the file cannot be read to its end"};
    for (size_t i = n - 4 + 1; i-- > 0;) {
      if (u32(window, i) == kEndRecord && size - (at + i) >= kEndRecordSize) return at + i;
    }
    if (at == 0 || size - at >= 0xffff + kEndRecordSize) return missing;
    at = at > kWindow - 3 ? at - (kWindow - 3) : 0;
  }
}

// miniz reads the zip64 end record whenever its locator's signature lies
// just before the end record and the record it points to has its signature;
// its fields then replace the classic ones.
Result<std::optional<Directory>> read_zip64_directory(const ZipBytes& bytes, uint64_t end_record) {
  if (end_record < kZip64LocatorSize + kZip64EndRecordSize) return std::optional<Directory>{};
  const std::string locator = bytes.read(end_record - kZip64LocatorSize, kZip64LocatorSize);
  if (locator.size() != kZip64LocatorSize || u32(locator, 0) != kZip64Locator) return std::optional<Directory>{};
  const uint64_t record_offset = u64(locator, 8);
  if (record_offset > bytes.size() - kZip64EndRecordSize)
    return Error{"its zip64 directory record lies outside the file"};
  const std::string record = bytes.read(record_offset, kZip64EndRecordSize);
  if (record.size() != kZip64EndRecordSize || u32(record, 0) != kZip64EndRecord) return std::optional<Directory>{};
  if (u32(locator, 16) != 1 || u32(record, 16) != 0 || u32(record, 20) != 0 || u64(record, 24) != u64(record, 32))
    return Error{"an archive in several parts"};
  if (u64(record, 4) < kZip64EndRecordSize - 12) return Error{"its zip64 directory record is damaged"};
  return std::optional<Directory>{Directory{u64(record, 32), u64(record, 40), u64(record, 48), record_offset}};
}

// A classic field that is not the "see zip64" mark must say what the zip64
// record says: a reader that trusts either one then sees the same archive.
bool classic_agrees(uint64_t classic, uint64_t unset, uint64_t zip64) { return classic == unset || classic == zip64; }

Result<Directory> read_end_records(const ZipBytes& bytes) {
  auto end_record = find_end_record(bytes);
  if (!end_record) return Error{end_record.error()};
  const std::string record = bytes.read(end_record.value(), kEndRecordSize);
  const uint16_t entries = u16(record, 10);
  const uint32_t size = u32(record, 12), offset = u32(record, 16);
  Directory directory{entries, size, offset, end_record.value()};
  auto zip64 = read_zip64_directory(bytes, end_record.value());
  if (!zip64) return Error{zip64.error()};
  if (zip64.value()) {
    const Directory& wide = *zip64.value();
    if (!classic_agrees(entries, kUnset16, wide.entries) || !classic_agrees(size, kUnset32, wide.size) ||
        !classic_agrees(offset, kUnset32, wide.offset))
      return Error{"its zip64 and classic directory records disagree"};
    directory = wide;
  } else if (u16(record, 8) != entries || u16(record, 4) != 0 || u16(record, 6) != 0) {
    return Error{"an archive in several parts"};
  }
  if (!inside(directory.offset, directory.size, directory.end))
    return Error{"its zip directory lies outside the file: the file was cut short or damaged"};
  if (directory.entries > directory.size / kCentralHeaderSize)
    return Error{"its zip directory declares more entries than it holds"};
  return directory;
}

// A zip64 extra field holds, in this order, whichever of the three 32-bit
// fields are 0xffffffff.
Status apply_zip64_extra(std::string_view extra, ZipEntry& entry, bool size_unset, bool compressed_unset,
                         bool offset_unset) {
  for (size_t at = 0; at + 4 <= extra.size();) {
    const uint16_t id = u16(extra, at), length = u16(extra, at + 2);
    if (length > extra.size() - at - 4) break;
    if (id == 0x0001) {
      size_t field = at + 4;
      const size_t field_end = field + length;
      const std::pair<bool, uint64_t*> fields[] = {
          {size_unset, &entry.size}, {compressed_unset, &entry.compressed_size}, {offset_unset, &entry.header_offset}};
      for (auto [unset, target] : fields) {
        if (!unset) continue;
        if (field + 8 > field_end) return Error{entry.name + ": its zip64 sizes are cut short"};
        *target = u64(extra, field);
        field += 8;
      }
      return Done{};
    }
    at += 4 + size_t{length};
  }
  if (size_unset || compressed_unset || offset_unset) return Error{entry.name + ": its zip64 sizes are missing"};
  return Done{};
}

// Reads the directory entry at `at` of `directory`, advancing `at`.
Result<ZipEntry> read_central_entry(std::string_view directory, size_t& at) {
  if (directory.size() - at < kCentralHeaderSize || u32(directory, at) != kCentralHeader)
    return Error{"its zip directory is damaged"};
  const size_t name_length = u16(directory, at + 28), extra_length = u16(directory, at + 30);
  const size_t record = kCentralHeaderSize + name_length + extra_length + u16(directory, at + 32);
  if (directory.size() - at < record) return Error{"its zip directory is damaged"};
  ZipEntry entry;
  entry.name = std::string(directory.substr(at + kCentralHeaderSize, name_length));
  entry.method = u16(directory, at + 10);
  entry.crc32 = u32(directory, at + 16);
  entry.compressed_size = u32(directory, at + 20);
  entry.size = u32(directory, at + 24);
  entry.header_offset = u32(directory, at + 42);
  const uint16_t flags = u16(directory, at + 8);
  const uint16_t disk = u16(directory, at + 34);
  const std::string_view extra = directory.substr(at + kCentralHeaderSize + name_length, extra_length);
  at += record;
  if (flags & 0x0001) return Error{entry.name + ": encrypted"};
  if (disk != 0 && disk != kUnset16) return Error{"an archive in several parts"};
  if (auto zip64 = apply_zip64_extra(extra, entry, entry.size == kUnset32, entry.compressed_size == kUnset32,
                                     entry.header_offset == kUnset32);
      !zip64)
    return Error{zip64.error()};
  return entry;
}

// Where the entry's data starts (after its local header), checked to end
// before the directory, and its sizes checked against its method.
Status locate_data(const ZipBytes& bytes, uint64_t data_end, ZipEntry& entry) {
  if (!inside(entry.header_offset, kLocalHeaderSize, data_end))
    return Error{entry.name + ": its data lies outside the file"};
  const std::string header = bytes.read(entry.header_offset, kLocalHeaderSize);
  if (header.size() != kLocalHeaderSize || u32(header, 0) != kLocalHeader)
    return Error{entry.name + ": its local header is missing"};
  entry.data_offset = entry.header_offset + kLocalHeaderSize + u16(header, 26) + u16(header, 28);
  if (!inside(entry.data_offset, entry.compressed_size, data_end))
    return Error{entry.name + ": its data lies outside the file: the file was cut short or damaged"};
  if (entry.method == 0 && entry.size != entry.compressed_size)
    return Error{entry.name + ": stored, but its two sizes differ"};
  if (entry.method == 8 && entry.size / kDeflateMaxRatio > entry.compressed_size)
    return Error{entry.name + ": declares " + std::to_string(entry.size) + " bytes from " +
                 std::to_string(entry.compressed_size) + " deflated, more than deflate can expand (a zip bomb)"};
  if (entry.method != 0 && entry.method != 8)
    return Error{entry.name + ": compressed with zip method " + std::to_string(entry.method) +
                 " (only stored and deflate are read)"};
  return Done{};
}

// Entries may not share bytes: one deflated stream behind many names is how
// the "overlapping files" zip bomb multiplies itself.
Status check_no_overlap(const std::vector<ZipEntry>& entries) {
  std::vector<const ZipEntry*> by_offset;
  by_offset.reserve(entries.size());
  for (const auto& entry : entries) by_offset.push_back(&entry);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const ZipEntry* a, const ZipEntry* b) { return a->header_offset < b->header_offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const ZipEntry& before = *by_offset[i - 1];
    if (before.data_offset + before.compressed_size > by_offset[i]->header_offset)
      return Error{before.name + " and " + by_offset[i]->name + " overlap in the archive"};
  }
  return Done{};
}

class FileBytes : public ZipBytes {
 public:
  FileBytes(int fd, uint64_t size) : fd_(fd), size_(size) {}
  uint64_t size() const override { return size_; }
  std::string read(uint64_t offset, size_t length) const override {
    std::string out(length, '\0');
    size_t done = 0;
    while (done < length) {
      const ssize_t got = pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (got <= 0) break;
      done += static_cast<size_t>(got);
    }
    out.resize(done);
    return out;
  }

 private:
  int fd_;
  uint64_t size_;
};

class MemoryBytes : public ZipBytes {
 public:
  explicit MemoryBytes(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  std::string read(uint64_t offset, size_t length) const override {
    if (offset >= bytes_.size()) return {};
    return std::string(bytes_.substr(static_cast<size_t>(offset), length));
  }

 private:
  std::string_view bytes_;
};

}  // namespace

Result<std::vector<ZipEntry>> read_zip_directory(const ZipBytes& bytes) {
  auto directory = read_end_records(bytes);
  if (!directory) return Error{directory.error()};
  const Directory& found = directory.value();
  if (found.size > std::numeric_limits<size_t>::max()) return Error{"its zip directory is too large"};
  const std::string records = bytes.read(found.offset, static_cast<size_t>(found.size));
  if (records.size() != found.size) return Error{"its zip directory cannot be read"};
  std::vector<ZipEntry> entries;
  entries.reserve(static_cast<size_t>(found.entries));
  size_t at = 0;
  for (uint64_t i = 0; i < found.entries; ++i) {
    auto entry = read_central_entry(records, at);
    if (!entry) return Error{entry.error()};
    if (auto located = locate_data(bytes, found.offset, entry.value()); !located) return Error{located.error()};
    entries.push_back(std::move(entry).value());
  }
  if (auto separate = check_no_overlap(entries); !separate) return Error{separate.error()};
  return entries;
}

Result<std::vector<ZipEntry>> read_zip_directory_of_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot be opened"};
  struct stat status {};
  if (fstat(fd, &status) != 0) {
    close(fd);
    return Error{"cannot be read"};
  }
  auto entries = read_zip_directory(FileBytes(fd, static_cast<uint64_t>(status.st_size)));
  close(fd);
  return entries;
}

Result<std::vector<ZipEntry>> read_zip_directory_of_bytes(std::string_view bytes) {
  return read_zip_directory(MemoryBytes(bytes));
}

}  // namespace actscope
