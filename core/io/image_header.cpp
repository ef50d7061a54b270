#include "core/io/image_header.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <istream>
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
uint32_t le16(const uint8_t* p) { return (uint32_t{p[1]} << 8) | p[0]; }
uint32_t le32(const uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }
uint32_t le24(const uint8_t* p) { return (uint32_t{p[2]} << 16) | le16(p); }

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
  if (h.size() < 24 || std::memcmp(h.data(), kSignature, 8) != 0 || std::memcmp(&h[12], "IHDR", 4) != 0) {
    return std::nullopt;
  }
  return checked(ImageSize{be32(&h[16]), be32(&h[20]), {}, {}}, kPngMost, "PNG");
}

std::optional<ImageSize> bmp_size(const std::vector<uint8_t>& h) {
  if (h.size() < 26 || h[0] != 'B' || h[1] != 'M') return std::nullopt;
  // Signed fields; a negative height means top-down rows, a negative width is invalid.
  const long long width = static_cast<int32_t>(le32(&h[18]));
  const long long height = static_cast<int32_t>(le32(&h[22]));
  return checked(ImageSize{width, height < 0 ? -height : height, {}, {}}, kPngMost, "BMP");
}

std::optional<ImageSize> webp_size(const std::vector<uint8_t>& h) {
  if (h.size() < 30 || std::memcmp(h.data(), "RIFF", 4) != 0 || std::memcmp(&h[8], "WEBP", 4) != 0) {
    return std::nullopt;
  }
  if (std::memcmp(&h[12], "VP8 ", 4) == 0) {
    return checked(ImageSize{le16(&h[26]) & 0x3fff, le16(&h[28]) & 0x3fff, {}, {}}, 0x3fff, "WebP");
  }
  if (std::memcmp(&h[12], "VP8L", 4) == 0) {
    const uint32_t bits = le32(&h[21]);
    return ImageSize{(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1, {}, {}};
  }
  if (std::memcmp(&h[12], "VP8X", 4) == 0) return ImageSize{le24(&h[24]) + 1, le24(&h[27]) + 1, {}, {}};
  return std::nullopt;
}

std::optional<ImageSize> tiff_size(std::istream& file, const std::vector<uint8_t>& h) {
  if (h.size() < 8) return std::nullopt;
  const bool little = h[0] == 'I' && h[1] == 'I' && h[2] == 42 && h[3] == 0;
  const bool big = h[0] == 'M' && h[1] == 'M' && h[2] == 0 && h[3] == 42;
  if (!little && !big) return std::nullopt;
  auto u16 = [&](const uint8_t* p) { return little ? le16(p) : be16(p); };
  auto u32 = [&](const uint8_t* p) { return little ? le32(p) : be32(p); };
  file.clear();
  file.seekg(u32(&h[4]));
  uint8_t count_bytes[2];
  if (!file.read(reinterpret_cast<char*>(count_bytes), 2)) return std::nullopt;
  ImageSize size;
  for (uint32_t i = 0, count = u16(count_bytes); i < count && i < 4096; ++i) {
    uint8_t entry[12];
    if (!file.read(reinterpret_cast<char*>(entry), 12)) return std::nullopt;
    const uint32_t tag = u16(entry);
    const uint32_t value = u16(entry + 2) == 3 ? u16(entry + 8) : u32(entry + 8);  // SHORT or LONG
    if (tag == 256) size.width = value;
    if (tag == 257) size.height = value;
  }
  if (size.width == 0 && size.height == 0) return std::nullopt;  // not found: the decoder decides
  return checked(size, 0xffffffffLL, "TIFF");
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

// Walks the JPEG segments up to the first start-of-frame marker; marks the
// size damaged when the data stops before the end-of-image marker.
std::optional<ImageSize> jpeg_size(std::istream& file, const std::vector<uint8_t>& h) {
  if (h.size() < 4 || h[0] != 0xff || h[1] != 0xd8) return std::nullopt;
  file.clear();
  file.seekg(2);
  uint8_t marker[4];
  std::optional<ImageSize> size;
  while (!size && file.read(reinterpret_cast<char*>(marker), 4)) {
    if (marker[0] != 0xff) return std::nullopt;
    const uint8_t type = marker[1];
    const uint32_t length = be16(marker + 2);
    const bool start_of_frame = type >= 0xc0 && type <= 0xcf && type != 0xc4 && type != 0xc8 && type != 0xcc;
    if (start_of_frame) {
      uint8_t frame[5];
      if (!file.read(reinterpret_cast<char*>(frame), 5)) return std::nullopt;
      size = checked(ImageSize{be16(frame + 3), be16(frame + 1), {}, {}}, 0xffff, "JPEG");
      break;
    }
    if (length < 2) return std::nullopt;
    file.seekg(length - 2, std::ios::cur);
  }
  if (!size) return std::nullopt;
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
