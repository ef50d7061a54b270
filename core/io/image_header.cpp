#include "core/io/image_header.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
#include <limits>
#include <iterator>
#include <sstream>
#include <vector>

namespace actscope {
namespace {

// Headers of every supported format fit in this many bytes, except JPEG,
// whose size sits in a frame marker after any metadata segments.
constexpr size_t kHeaderBytes = 64;

uint32_t be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
uint64_t be64(const uint8_t* p) { return (uint64_t{be32(p)} << 32) | be32(p + 4); }
uint32_t le16(const uint8_t* p) { return (uint32_t{p[1]} << 8) | p[0]; }
uint32_t le32(const uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }
uint64_t le64(const uint8_t* p) { return (uint64_t{le32(p + 4)} << 32) | le32(p); }
uint32_t le24(const uint8_t* p) { return (uint32_t{p[2]} << 16) | le16(p); }

// A file of a known format whose header cannot be read: refused as invalid,
// never left to the decoder.
ImageSize invalid_header(const char* format, const std::string& why) {
  ImageSize size;
  size.invalid = std::string(format) + " header " + why;
  return size;
}

// `size`, marked invalid when a side is below 1 or above `most`.
ImageSize checked(ImageSize size, long long most, const char* format) {
  for (const long long side : {size.width, size.height}) {
    if (side < 1 || side > most) {
      size.invalid = std::string(format) + " header declares " + std::to_string(size.width) + "x" +
                     std::to_string(size.height) + " (each side must be 1 to " + std::to_string(most) + ")";
    }
  }
  return size;
}

constexpr long long kPngMost = 0x7fffffff;  // PNG: at most 2^31-1 (its specification)

std::optional<ImageSize> png_size(const std::vector<uint8_t>& h) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (h.size() < 8 || std::memcmp(h.data(), kSignature, 8) != 0) return std::nullopt;
  if (h.size() < 24 || std::memcmp(&h[12], "IHDR", 4) != 0)
    return invalid_header("PNG", "is cut short or does not start with its IHDR chunk");
  return checked(ImageSize{be32(&h[16]), be32(&h[20]), {}, {}}, kPngMost, "PNG");
}

std::optional<ImageSize> bmp_size(const std::vector<uint8_t>& h) {
  if (h.size() < 2 || h[0] != 'B' || h[1] != 'M') return std::nullopt;
  if (h.size() < 26) return invalid_header("BMP", "is cut short");
  if (le32(&h[14]) == 12) {  // OS/2 1.x core header: unsigned 16-bit sides
    return checked(ImageSize{le16(&h[18]), le16(&h[20]), {}, {}}, kPngMost, "BMP");
  }
  // Signed fields; a negative height means top-down rows, a negative width is invalid.
  const long long width = static_cast<int32_t>(le32(&h[18]));
  const long long height = static_cast<int32_t>(le32(&h[22]));
  return checked(ImageSize{width, height < 0 ? -height : height, {}, {}}, kPngMost, "BMP");
}

std::optional<ImageSize> webp_size(const std::vector<uint8_t>& h) {
  if (h.size() < 12 || std::memcmp(h.data(), "RIFF", 4) != 0 || std::memcmp(&h[8], "WEBP", 4) != 0) {
    return std::nullopt;
  }
  if (h.size() < 30) return invalid_header("WebP", "is cut short");
  if (std::memcmp(&h[12], "VP8 ", 4) == 0) {
    return checked(ImageSize{le16(&h[26]) & 0x3fff, le16(&h[28]) & 0x3fff, {}, {}}, 0x3fff, "WebP");
  }
  if (std::memcmp(&h[12], "VP8L", 4) == 0) {
    const uint32_t bits = le32(&h[21]);
    return ImageSize{(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1, {}, {}};
  }
  if (std::memcmp(&h[12], "VP8X", 4) == 0) return ImageSize{le24(&h[24]) + 1, le24(&h[27]) + 1, {}, {}};
  return invalid_header("WebP", "has no VP8, VP8L or VP8X chunk first");
}

// Classic TIFF (version 42: 12-byte entries, 32-bit offsets) and BigTIFF
// (version 43: 20-byte entries, 64-bit offsets). The sides are the first
// image directory's ImageWidth and ImageLength, as SHORT, LONG or LONG8.
struct TiffLayout {
  bool little = true;
  bool big_tiff = false;
  uint64_t u(const uint8_t* p, int bytes) const {
    if (bytes == 2) return little ? le16(p) : be16(p);
    if (bytes == 4) return little ? le32(p) : be32(p);
    return little ? le64(p) : be64(p);
  }
  int offset_bytes() const { return big_tiff ? 8 : 4; }
  int count_bytes() const { return big_tiff ? 8 : 2; }
  int entry_bytes() const { return big_tiff ? 20 : 12; }
};

std::optional<ImageSize> tiff_sides(std::istream& file, const TiffLayout& tiff, uint64_t directory) {
  if (directory > static_cast<uint64_t>(std::numeric_limits<std::streamoff>::max()))
    return invalid_header("TIFF", "points past any file");
  file.clear();
  file.seekg(static_cast<std::streamoff>(directory));
  uint8_t count[8];
  if (!file.read(reinterpret_cast<char*>(count), tiff.count_bytes())) return invalid_header("TIFF", "is cut short");
  ImageSize size;
  for (uint64_t i = 0, entries = tiff.u(count, tiff.count_bytes()); i < entries && i < 4096; ++i) {
    uint8_t entry[20];
    if (!file.read(reinterpret_cast<char*>(entry), tiff.entry_bytes())) return invalid_header("TIFF", "is cut short");
    const uint64_t tag = tiff.u(entry, 2), type = tiff.u(entry + 2, 2);
    const uint8_t* value = entry + 4 + tiff.offset_bytes();
    const uint64_t side = type == 3 ? tiff.u(value, 2) : type == 4 ? tiff.u(value, 4) : type == 16 ? tiff.u(value, 8) : 0;
    const long long clamped = static_cast<long long>(std::min<uint64_t>(side, std::numeric_limits<long long>::max()));
    if (tag == 256) size.width = clamped;
    if (tag == 257) size.height = clamped;
  }
  return checked(size, 0xffffffffLL, "TIFF");
}

std::optional<ImageSize> tiff_size(std::istream& file, const std::vector<uint8_t>& h) {
  if (h.size() < 4) return std::nullopt;
  TiffLayout tiff;
  tiff.little = h[0] == 'I' && h[1] == 'I';
  if (!tiff.little && !(h[0] == 'M' && h[1] == 'M')) return std::nullopt;
  const uint64_t version = tiff.u(&h[2], 2);
  if (version != 42 && version != 43) return std::nullopt;
  tiff.big_tiff = version == 43;
  if (h.size() < (tiff.big_tiff ? 16u : 8u)) return invalid_header("TIFF", "is cut short");
  if (tiff.big_tiff && (tiff.u(&h[4], 2) != 8 || tiff.u(&h[6], 2) != 0))
    return invalid_header("TIFF", "declares BigTIFF offsets that are not 8 bytes");
  return tiff_sides(file, tiff, tiff.big_tiff ? tiff.u(&h[8], 8) : tiff.u(&h[4], 4));
}

// Whether the JPEG `bytes` reach their end-of-image marker: segments are
// walked by their lengths, entropy-coded data up to the next marker that is
// neither a stuffed 0xFF00 nor a restart. libjpeg decodes a truncated file
// without an error (the missing rows come out gray), so this is the check.
bool jpeg_reaches_its_end(const std::string& bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  size_t at = 2;  // after the start-of-image marker
  while (at + 2 <= size) {
    if (data[at] != 0xff) return false;
    uint8_t type = data[at + 1];
    at += 2;
    while (type == 0xff && at < size) type = data[at++];  // fill bytes
    if (type == 0xd9) return true;                       // end of image
    if ((type >= 0xd0 && type <= 0xd7) || type == 0x01) continue;  // no length
    if (at + 2 > size) return false;
    const size_t length = be16(data + at);
    if (length < 2 || at + length > size) return false;
    at += length;
    if (type != 0xda) continue;
    // The scan's data: up to the next real marker.
    for (;;) {
      const void* found = std::memchr(data + at, 0xff, size - at);
      if (!found) return false;
      at = static_cast<size_t>(static_cast<const uint8_t*>(found) - data);
      if (at + 1 >= size) return false;
      const uint8_t next = data[at + 1];
      if (next == 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        at += 2;
        continue;
      }
      if (next == 0xff) {
        ++at;
        continue;
      }
      break;  // data[at] starts a marker
    }
  }
  return false;
}

// Walks the JPEG segments up to the first start-of-frame marker (markers may
// be preceded by fill bytes); marks the size damaged when the data stops
// before the end-of-image marker.
std::optional<ImageSize> jpeg_size(std::istream& file, const std::vector<uint8_t>& h) {
  if (h.size() < 3 || h[0] != 0xff || h[1] != 0xd8 || h[2] != 0xff) return std::nullopt;
  file.clear();
  file.seekg(2);
  std::optional<ImageSize> size;
  while (!size) {
    const int marker = file.get();
    if (marker == EOF) return invalid_header("JPEG", "is cut short before its frame header");
    if (marker != 0xff) return invalid_header("JPEG", "has damaged segments before its frame header");
    int type = file.get();
    while (type == 0xff) type = file.get();
    if (type == EOF || type == 0xd9 || type == 0xda) return invalid_header("JPEG", "has no frame header");
    if ((type >= 0xd0 && type <= 0xd8) || type == 0x01) continue;  // markers without a length
    uint8_t length_bytes[2];
    if (!file.read(reinterpret_cast<char*>(length_bytes), 2)) return invalid_header("JPEG", "is cut short");
    const uint32_t length = be16(length_bytes);
    if (length < 2) return invalid_header("JPEG", "has a segment shorter than its length field");
    const bool start_of_frame = type >= 0xc0 && type <= 0xcf && type != 0xc4 && type != 0xc8 && type != 0xcc;
    if (start_of_frame) {
      uint8_t frame[5];
      if (!file.read(reinterpret_cast<char*>(frame), 5)) return invalid_header("JPEG", "is cut short");
      size = checked(ImageSize{be16(frame + 3), be16(frame + 1), {}, {}}, 0xffff, "JPEG");
    } else {
      file.seekg(length - 2, std::ios::cur);
    }
  }
  file.clear();
  file.seekg(0);
  const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (!jpeg_reaches_its_end(bytes)) size->damaged = "JPEG data ends before its end-of-image marker (truncated)";
  return size;
}

}  // namespace

bool exceeds_pixels(const ImageSize& size, long long limit) {
  if (size.width < 1 || size.height < 1) return false;
  return size.width > limit / size.height;  // width * height > limit, without forming the product
}

namespace {

std::optional<ImageSize> size_from_stream(std::istream& file) {
  std::vector<uint8_t> header(kHeaderBytes);
  file.read(reinterpret_cast<char*>(header.data()), kHeaderBytes);
  header.resize(static_cast<size_t>(file.gcount()));
  if (auto size = png_size(header)) return size;
  if (auto size = bmp_size(header)) return size;
  if (auto size = webp_size(header)) return size;
  if (auto size = tiff_size(file, header)) return size;
  return jpeg_size(file, header);
}

}  // namespace

std::optional<ImageSize> read_image_size(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return size_from_stream(file);
}

std::optional<ImageSize> read_image_size_of_bytes(const std::string& bytes) {
  std::istringstream stream(bytes, std::ios::binary);
  return size_from_stream(stream);
}

}  // namespace actscope
