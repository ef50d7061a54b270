// The PNG writer's two paths decode, with an independent decoder (OpenCV's
// libpng), to exactly the pixels given: grids made of repeats, pictures
// without any, and the edge cases of deflate's match lengths.
#include "core/io/png_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <zlib.h>

namespace actscope {
namespace {

struct Picture {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

// A grid as actscope draws one: random tiles of tile x tile pixels, each
// enlarged `scale` times by nearest neighbour, on a flat background with
// gaps; noise_rows rows of plain noise at the bottom.
Picture grid_like(int tiles_across, int tiles_down, int tile, int scale, int gap, int noise_rows, unsigned seed) {
  std::mt19937 random(seed);
  Picture p;
  p.width = tiles_across * (tile * scale + gap) + gap;
  p.height = tiles_down * (tile * scale + gap) + gap + noise_rows;
  p.rgb.assign(static_cast<size_t>(p.width) * p.height * 3, 40);
  for (int ty = 0; ty < tiles_down; ++ty) {
    for (int tx = 0; tx < tiles_across; ++tx) {
      for (int y = 0; y < tile; ++y) {
        for (int x = 0; x < tile; ++x) {
          const uint8_t level[3] = {static_cast<uint8_t>(random()), static_cast<uint8_t>(random()),
                                    static_cast<uint8_t>(random())};
          for (int sy = 0; sy < scale; ++sy) {
            for (int sx = 0; sx < scale; ++sx) {
              const int px = gap + tx * (tile * scale + gap) + x * scale + sx;
              const int py = gap + ty * (tile * scale + gap) + y * scale + sy;
              for (int c = 0; c < 3; ++c) p.rgb[(static_cast<size_t>(py) * p.width + px) * 3 + c] = level[c];
            }
          }
        }
      }
    }
  }
  for (size_t i = static_cast<size_t>(p.height - noise_rows) * p.width * 3; i < p.rgb.size(); ++i)
    p.rgb[i] = static_cast<uint8_t>(random());
  return p;
}

Picture noise(int width, int height, unsigned seed) {
  std::mt19937 random(seed);
  Picture p{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
  for (uint8_t& byte : p.rgb) byte = static_cast<uint8_t>(random());
  return p;
}

Picture flat(int width, int height, uint8_t level) {
  return {width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3, level)};
}

// Decodes `png` and says whether it holds exactly `p`'s pixels.
::testing::AssertionResult decodes_to(const std::string& png, const Picture& p) {
  if (png.empty()) return ::testing::AssertionFailure() << "no bytes";
  const cv::Mat bgr = cv::imdecode(cv::Mat(1, static_cast<int>(png.size()), CV_8UC1, const_cast<char*>(png.data())),
                                   cv::IMREAD_UNCHANGED);
  if (bgr.empty()) return ::testing::AssertionFailure() << "not a decodable PNG";
  if (bgr.cols != p.width || bgr.rows != p.height || bgr.channels() != 3)
    return ::testing::AssertionFailure() << "decoded " << bgr.cols << "x" << bgr.rows << "x" << bgr.channels();
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      const cv::Vec3b v = bgr.at<cv::Vec3b>(y, x);
      const uint8_t* want = &p.rgb[(static_cast<size_t>(y) * p.width + x) * 3];
      if (v[2] != want[0] || v[1] != want[1] || v[0] != want[2])
        return ::testing::AssertionFailure() << "pixel " << x << "," << y << " differs";
    }
  }
  return ::testing::AssertionSuccess();
}

uint32_t big_endian_at(const std::string& bytes, size_t at) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<uint8_t>(bytes[at + i]);
  return value;
}

// Checks what a lenient decoder may skip: every chunk's CRC, and that the
// IDAT data inflates with zlib (which checks the Adler-32) to exactly the
// scanlines of `p`, each with filter byte 0 (none).
::testing::AssertionResult stream_is_exact(const std::string& png, const Picture& p) {
  std::string idat;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t length = big_endian_at(png, at);
    if (at + 12 + length > png.size()) return ::testing::AssertionFailure() << "chunk past the end";
    const auto* type = reinterpret_cast<const Bytef*>(png.data() + at + 4);
    if (crc32(0, type, length + 4) != big_endian_at(png, at + 8 + length))
      return ::testing::AssertionFailure() << "bad CRC in " << png.substr(at + 4, 4);
    if (png.compare(at + 4, 4, "IDAT") == 0) idat += png.substr(at + 8, length);
    at += 12 + length;
  }
  const size_t stride = static_cast<size_t>(p.width) * 3 + 1;
  std::vector<uint8_t> raw(stride * p.height + 1);
  uLongf raw_size = raw.size();
  const int status =
      uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()), static_cast<uLong>(idat.size()));
  if (status != Z_OK) return ::testing::AssertionFailure() << "zlib says " << status;
  if (raw_size != stride * p.height) return ::testing::AssertionFailure() << "inflated " << raw_size << " bytes";
  for (int y = 0; y < p.height; ++y) {
    if (raw[y * stride] != 0) return ::testing::AssertionFailure() << "row " << y << " is filtered";
    if (std::memcmp(&raw[y * stride + 1], &p.rgb[static_cast<size_t>(y) * (stride - 1)], stride - 1) != 0)
      return ::testing::AssertionFailure() << "row " << y << " differs";
  }
  return ::testing::AssertionSuccess();
}

std::string encode(const Picture& p, PngCompression compression) {
  return encode_rgb_png(p.rgb.data(), p.width, p.height, compression);
}

TEST(PngWriterTest, EveryPathDecodesToThePixelsGiven) {
  const std::vector<Picture> pictures = {
      grid_like(8, 4, 7, 8, 4, 0, 1),    // enlarged tiles: whole rows and runs repeat
      grid_like(5, 3, 14, 1, 2, 0, 2),   // tiles at 1:1: few repeats inside tiles
      grid_like(3, 2, 5, 3, 1, 17, 3),   // noise rows after a grid
      noise(37, 11, 4),
      flat(1, 1, 7),
      flat(1, 300, 9),                   // one pixel a row: scanlines of 4 bytes
      flat(2, 5, 200),
      flat(400, 3, 0),                   // runs longer than deflate's 258
      flat(86, 4, 5),                    // scanline 259 bytes: a repeated row is 256 + 3
      flat(172, 4, 5),                   // scanline 517 bytes: 258 + 256 + 3
      noise(3000, 2, 5),                 // no repeats at all: no distance code in use
      noise(300, 100, 8),                // more tokens than one block holds
      grid_like(40, 30, 6, 2, 1, 0, 9),  // many blocks of tiles at twice their size
  };
  for (const Picture& p : pictures) {
    SCOPED_TRACE(std::to_string(p.width) + "x" + std::to_string(p.height));
    for (PngCompression c : {PngCompression::kAuto, PngCompression::kRepeats, PngCompression::kGeneral}) {
      const std::string png = encode(p, c);
      EXPECT_TRUE(decodes_to(png, p)) << "compression " << static_cast<int>(c);
      EXPECT_TRUE(stream_is_exact(png, p)) << "compression " << static_cast<int>(c);
    }
  }
}

TEST(PngWriterTest, RowsThatRepeatOnlyInPartAreKeptExact) {
  // Each row equals the one above except one pixel that moves along: the
  // matches with the row above stop and start again mid-row.
  Picture p = flat(120, 60, 90);
  for (int y = 0; y < p.height; ++y) {
    for (int c = 0; c < 3; ++c) p.rgb[(static_cast<size_t>(y) * p.width + (y * 7) % p.width) * 3 + c] = 255;
  }
  EXPECT_TRUE(decodes_to(encode(p, PngCompression::kRepeats), p));
}

TEST(PngWriterTest, AutoTakesRepeatsForGridsAndTheGeneralPathForNoise) {
  const Picture grid = grid_like(8, 8, 7, 8, 4, 0, 6);
  const std::string repeats = encode(grid, PngCompression::kRepeats);
  EXPECT_EQ(encode(grid, PngCompression::kAuto), repeats);
  EXPECT_LT(repeats.size(), grid.rgb.size() / 10) << "repeats are a few bits per 258 bytes";
  const Picture photo = noise(200, 150, 7);
  EXPECT_EQ(encode(photo, PngCompression::kAuto), encode(photo, PngCompression::kGeneral));
  // Wider than deflate's window reaches (a scanline over 32 KB): general.
  const Picture wide = flat(11000, 2, 3);
  EXPECT_EQ(encode(wide, PngCompression::kRepeats), "");
  EXPECT_TRUE(decodes_to(encode(wide, PngCompression::kAuto), wide));
}

TEST(PngWriterTest, EmptyPicturesGiveNoBytes) {
  EXPECT_EQ(encode_rgb_png(nullptr, 0, 5), "");
  EXPECT_EQ(encode_rgb_png(nullptr, 5, 0), "");
}

}  // namespace
}  // namespace actscope
