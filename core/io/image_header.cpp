#include "core/io/image_header.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace actscope {
namespace {

uint32_t be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t be32(const uint8_t* p) { return (be16(p) << 16) | be16(p + 2); }
uint64_t be64(const uint8_t* p) { return (uint64_t{be32(p)} << 32) | be32(p + 4); }
uint32_t le16(const uint8_t* p) { return (uint32_t{p[1]} << 8) | p[0]; }
uint32_t le32(const uint8_t* p) { return (le16(p + 2) << 16) | le16(p); }
uint64_t le64(const uint8_t* p) { return (uint64_t{le32(p + 4)} << 32) | le32(p); }
uint32_t le24(const uint8_t* p) { return (uint32_t{p[2]} << 16) | le16(p); }

// The bytes of one file, read as unsigned.
struct Bytes {
  const uint8_t* data;
  size_t size;
  // True when [at, at + length) lies inside the bytes.
  bool has(uint64_t at, uint64_t length) const { return at <= size && length <= size - at; }
};

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
constexpr long long kJpegMost = 65500;      // libjpeg's JPEG_MAX_DIMENSION

// libpng reads chunks until IHDR; image data or a palette before it is an error.
std::optional<ImageSize> png_size(Bytes b) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (b.size < 8 || std::memcmp(b.data, kSignature, 8) != 0) return std::nullopt;
  for (uint64_t at = 8;;) {
    if (!b.has(at, 8)) return invalid_header("PNG", "is cut short before its IHDR chunk");
    const uint64_t length = be32(b.data + at);
    const uint8_t* type = b.data + at + 4;
    if (std::memcmp(type, "IHDR", 4) == 0) {
      if (length != 13) return invalid_header("PNG", "has an IHDR chunk that is not 13 bytes long");
      if (!b.has(at + 8, 8)) return invalid_header("PNG", "is cut short in its IHDR chunk");
      return checked(ImageSize{be32(b.data + at + 8), be32(b.data + at + 12), {}, {}}, kPngMost, "PNG");
    }
    if (std::memcmp(type, "IDAT", 4) == 0 || std::memcmp(type, "PLTE", 4) == 0 || std::memcmp(type, "IEND", 4) == 0)
      return invalid_header("PNG", "has no IHDR chunk before its image data");
    if (length > 0x7fffffff) return invalid_header("PNG", "has a chunk longer than 2^31-1 bytes");
    at += 12 + length;  // length, type, data, CRC
  }
}

std::optional<ImageSize> bmp_size(Bytes b) {
  if (b.size < 2 || b.data[0] != 'B' || b.data[1] != 'M') return std::nullopt;
  if (b.size < 26) return invalid_header("BMP", "is cut short");
  if (le32(b.data + 14) == 12) {  // OS/2 1.x core header: unsigned 16-bit sides
    return checked(ImageSize{le16(b.data + 18), le16(b.data + 20), {}, {}}, kPngMost, "BMP");
  }
  // Signed fields; a negative height means top-down rows, a negative width is invalid.
  const long long width = static_cast<int32_t>(le32(b.data + 18));
  const long long height = static_cast<int32_t>(le32(b.data + 22));
  return checked(ImageSize{width, height < 0 ? -height : height, {}, {}}, kPngMost, "BMP");
}

// After "RIFF....WEBP", libwebp reads a VP8X chunk (the canvas), a "VP8 " or
// "VP8L" chunk, or else a raw VP8 or VP8L bitstream with no chunk header.
std::optional<ImageSize> webp_size(Bytes b) {
  if (b.size < 12 || std::memcmp(b.data, "RIFF", 4) != 0 || std::memcmp(b.data + 8, "WEBP", 4) != 0) {
    return std::nullopt;
  }
  if (!b.has(12, 4)) return invalid_header("WebP", "is cut short");
  const uint8_t* chunk = b.data + 12;
  if (std::memcmp(chunk, "VP8X", 4) == 0) {
    if (!b.has(24, 6)) return invalid_header("WebP", "is cut short");
    return ImageSize{le24(b.data + 24) + 1, le24(b.data + 27) + 1, {}, {}};
  }
  const bool has_header = std::memcmp(chunk, "VP8 ", 4) == 0 || std::memcmp(chunk, "VP8L", 4) == 0;
  const size_t frame = has_header ? 20 : 12;
  if (!b.has(frame, 5)) return invalid_header("WebP", "is cut short");
  const uint8_t* f = b.data + frame;
  const bool lossless = has_header ? chunk[3] == 'L' : (f[0] == 0x2f && (f[4] >> 5) == 0);
  if (lossless) {
    const uint32_t bits = le32(f + 1);
    return ImageSize{(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1, {}, {}};
  }
  if (!b.has(frame, 10)) return invalid_header("WebP", "is cut short");
  return checked(ImageSize{le16(f + 6) & 0x3fff, le16(f + 8) & 0x3fff, {}, {}}, 0x3fff, "WebP");
}

// Classic TIFF (version 42: 12-byte entries, 32-bit offsets) and BigTIFF
// (version 43: 20-byte entries, 64-bit offsets). The sides are the first
// image directory's ImageWidth and ImageLength.
struct TiffLayout {
  Bytes b;
  bool little = true;
  bool big_tiff = false;
  uint64_t u(const uint8_t* p, int bytes) const {
    if (bytes == 1) return *p;
    if (bytes == 2) return little ? le16(p) : be16(p);
    if (bytes == 4) return little ? le32(p) : be32(p);
    return little ? le64(p) : be64(p);
  }
  int offset_bytes() const { return big_tiff ? 8 : 4; }
  int count_bytes() const { return big_tiff ? 8 : 2; }
  int entry_bytes() const { return big_tiff ? 20 : 12; }
};

// One side, as libtiff's TIFFReadDirEntryLong reads it: a count of one, any
// integer type whose value is not negative; a value that does not fit the
// entry's value field (LONG8 in a classic TIFF) is read at the offset there.
// -1 when libtiff would refuse the entry.
long long tiff_side(const TiffLayout& tiff, const uint8_t* entry) {
  const uint64_t type = tiff.u(entry + 2, 2);
  if (tiff.u(entry + 4, tiff.offset_bytes()) != 1) return -1;  // count
  const uint8_t* field = entry + 4 + tiff.offset_bytes();
  int bytes = 0;
  bool is_signed = false;
  switch (type) {
    case 1: bytes = 1; break;                    // BYTE
    case 6: bytes = 1; is_signed = true; break;  // SBYTE
    case 3: bytes = 2; break;                    // SHORT
    case 8: bytes = 2; is_signed = true; break;  // SSHORT
    case 4: case 13: bytes = 4; break;           // LONG, IFD
    case 9: bytes = 4; is_signed = true; break;  // SLONG
    case 16: case 18: bytes = 8; break;          // LONG8, IFD8
    case 17: bytes = 8; is_signed = true; break; // SLONG8
    default: return -1;
  }
  uint64_t value = 0;
  if (bytes <= tiff.offset_bytes()) {
    value = tiff.u(field, bytes);
  } else {  // classic TIFF: the 8 bytes lie at the offset in the field
    const uint64_t at = tiff.u(field, 4);
    if (!tiff.b.has(at, 8)) return -1;
    value = tiff.u(tiff.b.data + at, 8);
  }
  if (is_signed && (value >> (8 * bytes - 1)) & 1) return -1;  // negative
  if (value > 0xffffffffu) return -1;                           // out of a uint32's range
  return static_cast<long long>(value);
}

std::optional<ImageSize> tiff_sides(const TiffLayout& tiff, uint64_t directory) {
  if (!tiff.b.has(directory, tiff.count_bytes())) return invalid_header("TIFF", "is cut short");
  const uint64_t entries = tiff.u(tiff.b.data + directory, tiff.count_bytes());
  if (entries > 4096) return invalid_header("TIFF", "declares more than 4096 entries in its first directory");
  ImageSize size;
  bool width_seen = false, height_seen = false;
  for (uint64_t i = 0; i < entries; ++i) {
    const uint64_t at = directory + tiff.count_bytes() + i * tiff.entry_bytes();
    if (!tiff.b.has(at, tiff.entry_bytes())) return invalid_header("TIFF", "is cut short");
    const uint8_t* entry = tiff.b.data + at;
    const uint64_t tag = tiff.u(entry, 2);
    bool& seen = tag == 256 ? width_seen : height_seen;
    if ((tag != 256 && tag != 257) || seen) continue;  // libtiff ignores later duplicates
    seen = true;
    const long long side = tiff_side(tiff, entry);
    if (side < 0) return invalid_header("TIFF", tag == 256 ? "has an unreadable ImageWidth" : "has an unreadable ImageLength");
    (tag == 256 ? size.width : size.height) = side;
  }
  return checked(size, 0xffffffffLL, "TIFF");
}

std::optional<ImageSize> tiff_size(Bytes b) {
  if (b.size < 4) return std::nullopt;
  TiffLayout tiff{b};
  tiff.little = b.data[0] == 'I' && b.data[1] == 'I';
  if (!tiff.little && !(b.data[0] == 'M' && b.data[1] == 'M')) return std::nullopt;
  const uint64_t version = tiff.u(b.data + 2, 2);
  if (version != 42 && version != 43) return std::nullopt;
  tiff.big_tiff = version == 43;
  if (b.size < (tiff.big_tiff ? 16u : 8u)) return invalid_header("TIFF", "is cut short");
  if (tiff.big_tiff && (tiff.u(b.data + 4, 2) != 8 || tiff.u(b.data + 6, 2) != 0))
    return invalid_header("TIFF", "declares BigTIFF offsets that are not 8 bytes");
  return tiff_sides(tiff, tiff.big_tiff ? tiff.u(b.data + 8, 8) : tiff.u(b.data + 4, 4));
}

// Walks JPEG markers as libjpeg's next_marker does: bytes that are not 0xFF
// before a marker are skipped (and counted), runs of 0xFF are fill, and 0xFF
// 0x00 outside a scan is skipped as well.
struct JpegWalk {
  Bytes b;
  size_t at = 2;  // after the start-of-image marker
  uint64_t stray = 0;

  // The next marker's type, or -1 at the end of the bytes.
  int next_marker() {
    for (;;) {
      while (at < b.size && b.data[at] != 0xff) {
        ++at;
        ++stray;
      }
      while (at < b.size && b.data[at] == 0xff) ++at;
      if (at >= b.size) return -1;
      const uint8_t type = b.data[at++];
      if (type != 0) return type;
      stray += 2;
    }
  }
  // Skips a segment by its length field; false when it runs past the end.
  // A length below 2 skips just the field, as libjpeg does.
  bool skip_segment() {
    if (!b.has(at, 2)) return false;
    const size_t length = be16(b.data + at);
    if (!b.has(at, std::max<size_t>(length, 2))) return false;
    at += std::max<size_t>(length, 2);
    return true;
  }
  // A scan's entropy-coded data, up to the next marker that is neither a
  // stuffed 0xFF00 nor a restart; false when the bytes end first.
  bool skip_scan_data() {
    for (;;) {
      const void* found = std::memchr(b.data + at, 0xff, b.size - at);
      if (!found) return false;
      at = static_cast<size_t>(static_cast<const uint8_t*>(found) - b.data);
      if (at + 1 >= b.size) return false;
      const uint8_t next = b.data[at + 1];
      if (next == 0xff) {
        ++at;
      } else if (next == 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        at += 2;
      } else {
        return true;  // b.data[at] starts a marker
      }
    }
  }
};

bool is_restart_or_tem(int type) { return (type >= 0xd0 && type <= 0xd7) || type == 0x01; }

// The frame header libjpeg's read_markers stops at, found as it finds it.
ImageSize jpeg_frame(JpegWalk& walk) {
  for (;;) {
    const int type = walk.next_marker();
    if (type < 0) return invalid_header("JPEG", "is cut short before its frame header");
    if (type == 0xd8) return invalid_header("JPEG", "has a second start-of-image marker");
    if (type == 0xda) return invalid_header("JPEG", "has a scan before its frame header");
    if (type == 0xd9) return invalid_header("JPEG", "has no frame header");
    if (is_restart_or_tem(type)) continue;
    if (type == 0xc0 || type == 0xc1 || type == 0xc2 || type == 0xc9 || type == 0xca) {
      if (!walk.b.has(walk.at, 7)) return invalid_header("JPEG", "is cut short");
      const uint8_t* frame = walk.b.data + walk.at;
      const ImageSize size = checked(ImageSize{be16(frame + 5), be16(frame + 3), {}, {}}, kJpegMost, "JPEG");
      if (!walk.skip_segment()) walk.at = walk.b.size;  // cut short in the frame header
      return size;
    }
    if (type >= 0xc0 && type <= 0xcf && type != 0xc4 && type != 0xcc)
      return invalid_header("JPEG", "uses a coding process the decoder does not read (lossless or hierarchical)");
    const bool known = type == 0xc4 || type == 0xcc || type == 0xdb || type == 0xdc || type == 0xdd ||
                       (type >= 0xe0 && type <= 0xef) || type == 0xfe;
    if (!known) return invalid_header("JPEG", "has an unknown marker before its frame header");
    if (!walk.skip_segment()) return invalid_header("JPEG", "is cut short");
  }
}

// What the decoder copes with but the user should know: stray bytes between
// segments and data that stops before the end-of-image marker.
std::string jpeg_warning(JpegWalk& walk) {
  bool ended = false;
  for (;;) {
    const int type = walk.next_marker();
    if (type < 0) break;
    if (type == 0xd9) {
      ended = true;
      break;
    }
    if (is_restart_or_tem(type)) continue;
    if (!walk.skip_segment() || (type == 0xda && !walk.skip_scan_data())) break;
  }
  std::string warning;
  if (walk.stray > 0) warning = std::to_string(walk.stray) + " stray bytes between JPEG segments (skipped)";
  if (!ended) {
    if (!warning.empty()) warning += "; ";
    warning += "JPEG data ends before its end-of-image marker (cut short: missing rows are gray)";
  }
  return warning;
}

std::optional<ImageSize> jpeg_size(Bytes b) {
  if (b.size < 3 || b.data[0] != 0xff || b.data[1] != 0xd8 || b.data[2] != 0xff) return std::nullopt;
  JpegWalk walk{b};
  ImageSize size = jpeg_frame(walk);
  if (size.invalid.empty()) size.warning = jpeg_warning(walk);
  return size;
}

}  // namespace

bool exceeds_pixels(const ImageSize& size, long long limit) {
  if (size.width < 1 || size.height < 1) return false;
  return size.width > limit / size.height;  // width * height > limit, without forming the product
}

std::optional<ImageSize> read_image_size(std::string_view bytes) {
  const Bytes b{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
  if (auto size = png_size(b)) return size;
  if (auto size = bmp_size(b)) return size;
  if (auto size = webp_size(b)) return size;
  if (auto size = tiff_size(b)) return size;
  return jpeg_size(b);
}

}  // namespace actscope
