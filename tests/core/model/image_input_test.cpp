#include "core/model/image_input.h"

#include <utility>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/io/image_header.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

ModelCard card(int channels, int size, ChannelOrder order = ChannelOrder::kRgb) {
  ModelCard card;
  card.channels = channels;
  card.height = size;
  card.width = size;
  card.channel_order = order;
  card.mean.assign(channels, channels == 1 ? 0.25f : 0.0f);
  card.std.assign(channels, channels == 1 ? 0.5f : 1.0f);
  return card;
}

class ImageInputTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const cv::Mat& image) {
    const auto path = (dir_ / name).string();
    EXPECT_TRUE(cv::imwrite(path, image));
    return path;
  }
  test::TempDir dir_;
};

TEST_F(ImageInputTest, GrayPngIsScaledAndNormalizedWithTheCard) {
  cv::Mat gray(4, 4, CV_8UC1);
  for (int i = 0; i < 16; ++i) gray.data[i] = static_cast<uint8_t>(i * 17);
  auto input = load_image(write("gray.png", gray), card(1, 4));
  ASSERT_TRUE(input.ok()) << input.error();
  ASSERT_EQ(input.value().tensor.size(), 16u);
  for (int i = 0; i < 16; ++i) EXPECT_NEAR(input.value().tensor[i], (i * 17 / 255.0f - 0.25f) / 0.5f, 1e-6);
  EXPECT_EQ(input.value().display.width, 4);
  EXPECT_EQ(input.value().display.pixels[3 * 5 + 1], 5 * 17);  // gray shown as RGB
}

TEST_F(ImageInputTest, SixteenBitPngUsesTheFullRange) {
  cv::Mat gray(2, 2, CV_16UC1, cv::Scalar(65535));
  gray.at<uint16_t>(0, 0) = 0;
  auto input = load_image(write("deep.png", gray), card(1, 2));
  ASSERT_TRUE(input.ok()) << input.error();
  EXPECT_NEAR(input.value().tensor[0], -0.5f, 1e-6);
  EXPECT_NEAR(input.value().tensor[3], 1.5f, 1e-6);
}

TEST_F(ImageInputTest, ColorWithAlphaBecomesRgbOrBgrAsTheCardSays) {
  cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(255, 0, 0, 10));  // pure blue, nearly transparent
  const auto path = write("blue.png", bgra);
  auto rgb = load_image(path, card(3, 2));
  ASSERT_TRUE(rgb.ok()) << rgb.error();
  ASSERT_EQ(rgb.value().tensor.size(), 12u);
  EXPECT_FLOAT_EQ(rgb.value().tensor[0], 0.0f);  // R plane
  EXPECT_FLOAT_EQ(rgb.value().tensor[8], 1.0f);  // B plane
  auto bgr = load_image(path, card(3, 2, ChannelOrder::kBgr));
  EXPECT_FLOAT_EQ(bgr.value().tensor[0], 1.0f);
  EXPECT_EQ(rgb.value().display.pixels[2], 255);  // display stays RGB
}

TEST_F(ImageInputTest, ColorForAGrayModelUsesLuma) {
  cv::Mat bgr(2, 2, CV_8UC3, cv::Scalar(0, 255, 0));  // pure green
  ModelCard gray = card(1, 2);
  gray.mean = {0.0f};
  gray.std = {1.0f};
  auto input = load_image(write("green.jpg", bgr), gray);
  ASSERT_TRUE(input.ok()) << input.error();
  EXPECT_NEAR(input.value().tensor[0], 0.587f, 0.02f);  // JPEG rounding
}

// With a resize and a centre crop the input keeps the whole resized photo
// and where the crop lies in it (torchvision's arithmetic, worked out here):
// the crop's pixels are the photo's at that place, so overlays drawn on the
// crop can be put back in the photo.
TEST_F(ImageInputTest, ACroppedImageKeepsThePhotoItWasCutFromAndWhere) {
  cv::Mat bgr(48, 64, CV_8UC3);
  for (int y = 0; y < 48; ++y)
    for (int x = 0; x < 64; ++x) bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(4 * y), uchar(3 * x), uchar(x + y));
  ModelCard cropped = card(3, 24);
  cropped.resize = 32;
  auto input = load_image(write("photo.png", bgr), cropped);
  ASSERT_TRUE(input.ok()) << input.error();
  const RgbImage& photo = input.value().context;
  // Resize(32): the shorter side 48 -> 32, the longer 64 -> int(32 * 64 / 48) = 42.
  ASSERT_EQ(photo.width, 42);
  ASSERT_EQ(photo.height, 32);
  // CenterCrop(24): left round((42 - 24) / 2) = 9, top round((32 - 24) / 2) = 4.
  EXPECT_EQ(input.value().crop_x, 9);
  EXPECT_EQ(input.value().crop_y, 4);
  const RgbImage& crop = input.value().display;
  ASSERT_EQ(crop.width, 24);
  for (int y = 0; y < 24; ++y) {
    for (int x = 0; x < 24; ++x) {
      for (int c = 0; c < 3; ++c) {
        ASSERT_EQ(crop.pixels[(static_cast<size_t>(y) * 24 + x) * 3 + c],
                  photo.pixels[(static_cast<size_t>(y + 4) * 42 + x + 9) * 3 + c])
            << y << "," << x;
      }
    }
  }
  // Stretched (no resize): no photo to put it back in.
  auto stretched = load_image(write("photo2.png", bgr), card(3, 24));
  ASSERT_TRUE(stretched.ok());
  EXPECT_EQ(stretched.value().context.width, 0);
}

TEST_F(ImageInputTest, ResizesToTheCardSizeBilinearly) {
  cv::Mat gray(8, 8, CV_8UC1, cv::Scalar(0));
  gray.colRange(4, 8).setTo(200);
  auto input = load_image(write("wide.bmp", gray), card(1, 4));
  ASSERT_TRUE(input.ok()) << input.error();
  ASSERT_EQ(input.value().tensor.size(), 16u);
  EXPECT_EQ(input.value().display.width, 4);
  EXPECT_NEAR(input.value().tensor[0], -0.5f, 1e-6);
  EXPECT_NEAR(input.value().tensor[3], (200 / 255.0f - 0.25f) / 0.5f, 1e-5);
}

TEST_F(ImageInputTest, BadFilesAreRefusedWithTheirName) {
  auto missing = load_image((dir_ / "nothing.png").string(), card(1, 4));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nothing.png"), std::string::npos);
  test::write_file(dir_ / "fake.png", "this is text, not a PNG");
  auto fake = load_image((dir_ / "fake.png").string(), card(1, 4));
  ASSERT_FALSE(fake.ok());
  EXPECT_NE(fake.error().find("fake.png: not a readable image"), std::string::npos);
}

// A PNG or JPEG cut in half keeps a valid header. The PNG decoder fails and
// the file is refused; the JPEG decoder fills the missing rows with gray and
// succeeds, so the JPEG loads as it decodes, with a warning naming the file.
// Whole JPEGs (baseline, progressive, with restart markers) load without one.
TEST_F(ImageInputTest, TruncatedPngIsRefusedAndTruncatedJpegLoadsWithAWarning) {
  cv::Mat noise(64, 64, CV_8UC3);
  cv::randu(noise, 0, 255);
  const std::vector<std::pair<std::string, std::vector<int>>> jpegs = {
      {"baseline.jpg", {}},
      {"progressive.jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}},
      {"restarts.jpg", {cv::IMWRITE_JPEG_RST_INTERVAL, 2}},
  };
  int loaded_cut = 0;
  for (const auto& [name, params] : jpegs) {
    const std::string path = (dir_ / name).string();
    ASSERT_TRUE(cv::imwrite(path, noise, params));
    auto whole = load_image(path, card(3, 8));
    ASSERT_TRUE(whole.ok()) << name << ": " << whole.error();
    EXPECT_EQ(whole.value().warning, "") << name;
    const std::string bytes = test::read_file(path);
    for (const std::string& cut_name : {"cut_" + name, "short_" + name}) {
      // Cut in half, or just before the final marker.
      const size_t keep = cut_name[0] == 'c' ? bytes.size() / 2 : bytes.size() - 2;
      test::write_file(dir_ / cut_name, bytes.substr(0, keep));
      auto cut = load_image((dir_ / cut_name).string(), card(3, 8));
      // A progressive JPEG cut in half is refused by the decoder itself
      // (cv::imdecode; cv::imread of the file would read it).
      const std::string cut_bytes = bytes.substr(0, keep);
      const cv::Mat buffer(1, static_cast<int>(keep), CV_8UC1, const_cast<char*>(cut_bytes.data()));
      if (cv::imdecode(buffer, cv::IMREAD_UNCHANGED).empty()) {
        ASSERT_FALSE(cut.ok()) << cut_name;
        EXPECT_NE(cut.error().find(cut_name + ": not a readable image (the decoder refused it"), std::string::npos)
            << cut.error();
        continue;
      }
      ++loaded_cut;
      ASSERT_TRUE(cut.ok()) << cut_name << ": " << cut.error();
      EXPECT_NE(cut.value().warning.find(cut_name + ": JPEG data ends before its end-of-image marker"),
                std::string::npos)
          << cut.value().warning;
    }
  }
  EXPECT_EQ(loaded_cut, 4);  // all but the progressive ones: from memory libjpeg stops at their end
  const std::string png = write("whole.png", noise);
  const std::string bytes = test::read_file(png);
  test::write_file(dir_ / "cut.png", bytes.substr(0, bytes.size() / 2));
  auto cut = load_image((dir_ / "cut.png").string(), card(3, 8));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().find("cut.png: not a readable image"), std::string::npos) << cut.error();
}

TEST_F(ImageInputTest, HeaderSizeAgreesWithTheDecoderForEveryFormat) {
  cv::Mat color(23, 37, CV_8UC3, cv::Scalar(10, 20, 30));
  for (const char* name : {"a.png", "a.jpg", "a.bmp", "a.webp", "a.tiff"}) {
    const std::string path = write(name, color);
    auto size = read_image_size(test::read_file(path));
    ASSERT_TRUE(size.has_value()) << name;
    EXPECT_EQ(size->width, 37) << name;
    EXPECT_EQ(size->height, 23) << name;
    EXPECT_EQ(size->invalid, "") << name;
    EXPECT_EQ(size->warning, "") << name;
  }
  EXPECT_FALSE(read_image_size("not an image at all").has_value());
}

// A PNG header declaring 20000 x 20000 pixels, with no pixel data: refused
// from the header, before a decoder could allocate 400 megapixels.
TEST_F(ImageInputTest, DecompressionBombIsRefusedBeforeDecoding) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x4e\x20\0\0\x4e\x20\x08\0\0\0\0", 29);
  test::write_file(dir_ / "bomb.png", png);
  auto input = load_image((dir_ / "bomb.png").string(), card(1, 4));
  ASSERT_FALSE(input.ok());
  EXPECT_NE(input.error().find("bomb.png: image is 20000x20000 pixels, more than the 100 megapixel limit"),
            std::string::npos)
      << input.error();
}

// Header bytes declaring `width` x `height` for each format (no pixel data).
std::string png_header(uint32_t width, uint32_t height) {
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  for (uint32_t side : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((side >> shift) & 0xff);
  }
  return bytes + std::string("\x08\0\0\0\0", 5);
}

std::string bmp_header(int32_t width, int32_t height) {
  std::string bytes("BM", 2);
  bytes += std::string(16, '\0');
  for (uint32_t side : {static_cast<uint32_t>(width), static_cast<uint32_t>(height)}) {
    for (int shift = 0; shift < 32; shift += 8) bytes += static_cast<char>((side >> shift) & 0xff);
  }
  return bytes + std::string(40, '\0');
}

// An OS/2 1.x bitmap: a 12-byte core header with 16-bit sides.
std::string os2_bmp_header(uint16_t width, uint16_t height) {
  std::string bytes("BM", 2);
  bytes += std::string(12, '\0');
  bytes += std::string("\x0c\0\0\0", 4);
  for (uint16_t side : {width, height}) bytes += {static_cast<char>(side & 0xff), static_cast<char>(side >> 8)};
  return bytes + std::string(40, '\0');
}

// `frame` is the start-of-frame marker (0xc0 baseline, 0xc2 progressive, ...).
std::string jpeg_header(uint16_t width, uint16_t height, uint8_t frame = 0xc0) {
  std::string bytes("\xff\xd8\xff\xc0\x00\x11\x08", 7);
  bytes[3] = static_cast<char>(frame);
  for (uint16_t side : {height, width}) bytes += {static_cast<char>(side >> 8), static_cast<char>(side & 0xff)};
  return bytes + std::string(10, '\0');
}

void append_le(std::string& bytes, uint64_t value, int count) {
  for (int i = 0; i < count; ++i) bytes += static_cast<char>((value >> (8 * i)) & 0xff);
}

void append_int(std::string& bytes, uint64_t value, int count, bool big_endian) {
  for (int i = 0; i < count; ++i) {
    const int byte = big_endian ? count - 1 - i : i;
    bytes += static_cast<char>((value >> (8 * byte)) & 0xff);
  }
}

struct TiffKind {
  int type = 4;  // of the two sides: 3 SHORT, 4 LONG, 16 LONG8
  bool big_endian = false;
  bool big_tiff = false;  // version 43: 64-bit offsets and counts, 20-byte entries
};

// A TIFF whose first directory declares ImageWidth and ImageLength.
std::string tiff_header(uint64_t width, uint64_t height, TiffKind kind = {}) {
  const bool be = kind.big_endian;
  std::string bytes(be ? "MM" : "II");
  append_int(bytes, kind.big_tiff ? 43 : 42, 2, be);
  if (kind.big_tiff) {
    append_int(bytes, 8, 2, be);  // offset size
    append_int(bytes, 0, 2, be);
  }
  const int offset = kind.big_tiff ? 8 : 4;
  append_int(bytes, bytes.size() + offset, offset, be);  // the first directory follows
  append_int(bytes, 2, kind.big_tiff ? 8 : 2, be);       // two entries
  const int value_bytes = kind.type == 3 ? 2 : kind.type == 4 ? 4 : 8;
  for (const auto& [tag, value] : {std::pair<uint32_t, uint64_t>{256, width}, {257, height}}) {
    append_int(bytes, tag, 2, be);
    append_int(bytes, kind.type, 2, be);
    append_int(bytes, 1, offset, be);  // one value
    append_int(bytes, value, value_bytes, be);
    bytes += std::string(offset - value_bytes > 0 ? offset - value_bytes : 0, '\0');
  }
  append_int(bytes, 0, offset, be);  // no next directory
  return bytes;
}

// A WebP of the given chunk ("VP8 ", "VP8L" or "VP8X") with `size_bytes`
// where that chunk keeps its canvas size.
std::string webp_header(const char* chunk, const std::string& size_bytes) {
  std::string bytes("RIFF", 4);
  append_le(bytes, 1000, 4);
  bytes += "WEBP";
  bytes += chunk;
  append_le(bytes, 100, 4);
  if (std::string(chunk) == "VP8 ") bytes += std::string("\0\0\0\x9d\x01\x2a", 6);  // frame tag, start code
  if (std::string(chunk) == "VP8L") bytes += '\x2f';                                // signature
  if (std::string(chunk) == "VP8X") bytes += std::string(4, '\0');                  // flags, reserved
  return bytes + size_bytes + std::string(8, '\0');
}

std::string vp8_header(uint16_t width, uint16_t height) {
  std::string sides;
  append_le(sides, width, 2);
  append_le(sides, height, 2);
  return webp_header("VP8 ", sides);
}

std::string vp8l_header(uint32_t width, uint32_t height) {  // each 1..16384
  std::string sides;
  append_le(sides, (width - 1) | (height - 1) << 14, 4);
  return webp_header("VP8L", sides);
}

std::string vp8x_header(uint32_t width, uint32_t height) {  // each 1..2^24
  std::string sides;
  append_le(sides, width - 1, 3);
  append_le(sides, height - 1, 3);
  return webp_header("VP8X", sides);
}

// Every size a header can declare is refused before decoding when it is out
// of the format's range or over the limit, by arithmetic that cannot overflow
// (4294967295 x 4294967295 overflowed the 64-bit product before).
TEST_F(ImageInputTest, HeaderSizesOutOfRangeOrOverTheLimitAreRefusedInEveryFormat) {
  // PNG, BMP, JPEG, TIFF and WebP (its three kinds of chunk).
  const struct {
    const char* file;
    std::string bytes;
    const char* message;
  } cases[] = {
      {"max.png", png_header(0xffffffffu, 0xffffffffu), "invalid image header: PNG header declares 4294967295x4294967295"},
      {"zero.png", png_header(0, 5), "invalid image header: PNG header declares 0x5"},
      {"wide.png", png_header(0x7fffffffu, 1), "image is 2147483647x1 pixels, more than the 100 megapixel limit"},
      {"tall.png", png_header(1, 100'000'001), "image is 1x100000001 pixels"},
      {"negative.bmp", bmp_header(-5, 10), "invalid image header: BMP header declares -5x10"},
      {"min.bmp", bmp_header(1, INT32_MIN), "invalid image header: BMP header declares 1x2147483648"},
      {"huge.bmp", bmp_header(20000, -20000), "image is 20000x20000 pixels"},
      {"huge.jpg", jpeg_header(65500, 65500), "image is 65500x65500 pixels"},
      {"wide.jpg", jpeg_header(65501, 1), "invalid image header: JPEG header declares 65501x1 (each side must be 1 to 65500)"},
      {"zero.jpg", jpeg_header(0, 10), "invalid image header: JPEG header declares 0x10"},
      {"huge.tiff", tiff_header(70000, 70000), "image is 70000x70000 pixels"},
      {"max.tiff", tiff_header(0xffffffffu, 0xffffffffu), "image is 4294967295x4294967295 pixels"},
      {"zero.tiff", tiff_header(0, 9), "invalid image header: TIFF header declares 0x9"},
      {"lossy.webp", vp8_header(16383, 16383), "image is 16383x16383 pixels"},
      {"lossless.webp", vp8l_header(16384, 16384), "image is 16384x16384 pixels"},
      {"extended.webp", vp8x_header(1u << 24, 1u << 24), "image is 16777216x16777216 pixels"},
      {"zero.webp", vp8_header(0, 7), "invalid image header: WebP header declares 0x7"},
      {"os2.bmp", os2_bmp_header(65535, 65535), "image is 65535x65535 pixels"},
      {"progressive.jpg", jpeg_header(65500, 65500, 0xc2), "image is 65500x65500 pixels"},
      {"stray.jpg", std::string("\xff\xd8\xff\xe0\0\x02\0\0", 8) + jpeg_header(20000, 20000).substr(2), "image is 20000x20000 pixels"},
      {"filled.jpg", "\xff\xd8\xff\xff\xff" + jpeg_header(20000, 20000).substr(3), "image is 20000x20000 pixels"},
      {"short_be.tiff", tiff_header(20000, 20000, {3, true}), "image is 20000x20000 pixels"},
      {"big.tiff", tiff_header(70000, 70000, {16, false, true}), "image is 70000x70000 pixels"},
      {"big_be.tiff", tiff_header(uint64_t{1} << 40, 1, {16, true, true}),
       "invalid image header: TIFF header has an unreadable ImageWidth"},
      {"far.tiff", tiff_header(1, 1).substr(0, 4) + std::string("\xff\xff\xff\x7f", 4),
       "invalid image header: TIFF header is cut short"},
      {"cut.png", png_header(9, 9).substr(0, 15), "invalid image header: PNG header is cut short"},
      {"cut.bmp", bmp_header(9, 9).substr(0, 20), "invalid image header: BMP header is cut short"},
      {"cut.webp", vp8_header(9, 9).substr(0, 20), "invalid image header: WebP header is cut short"},
      {"cut.tiff", tiff_header(9, 9).substr(0, 14), "invalid image header: TIFF header is cut short"},
      {"cut.jpg", jpeg_header(9, 9).substr(0, 6), "invalid image header: JPEG header is cut short"},
      {"scan.jpg", std::string("\xff\xd8\xff\xda\0\x02", 6), "invalid image header: JPEG header has a scan before its frame header"},
      {"lossless.jpg", jpeg_header(9, 9, 0xc3), "invalid image header: JPEG header uses a coding process the decoder does not read"},
  };
  for (const auto& bad : cases) {
    test::write_file(dir_ / bad.file, bad.bytes);
    auto input = load_image((dir_ / bad.file).string(), card(1, 4));
    ASSERT_FALSE(input.ok()) << bad.file;
    EXPECT_NE(input.error().find(std::string(bad.file) + ": " + bad.message), std::string::npos)
        << bad.file << ": " << input.error();
  }
  EXPECT_FALSE(exceeds_pixels({10000, 10000, {}, {}}, kMaxImagePixels));
  EXPECT_TRUE(exceeds_pixels({10000, 10001, {}, {}}, kMaxImagePixels));
  EXPECT_TRUE(exceeds_pixels({0x7fffffffffffffffLL, 0x7fffffffffffffffLL, {}, {}}, kMaxImagePixels));
}

// OpenCV decodes more formats than the header check reads (PNM, PFM, Sun
// raster, Radiance HDR, JPEG 2000); their size could not be checked before
// decoding, so they are not read at all. A PPM declaring 100000 x 100000
// pixels is refused before any decoder allocates for it.
TEST_F(ImageInputTest, FormatsWhoseSizeIsNotCheckedAreNotDecoded) {
  cv::Mat color(64, 48, CV_8UC3, cv::Scalar(10, 20, 30));
  cv::Mat gray(64, 48, CV_8UC1, cv::Scalar(40));
  cv::Mat real;
  color.convertTo(real, CV_32FC3, 1.0 / 255);
  int written = 0;
  for (const char* name : {"a.ppm", "a.pgm", "a.pfm", "a.ras", "a.hdr", "a.jp2"}) {
    const std::string path = (dir_ / name).string();
    const std::string kind(name);
    const cv::Mat& image = kind == "a.pgm" ? gray : (kind == "a.pfm" || kind == "a.hdr") ? real : color;
    if (!cv::imwrite(path, image)) continue;
    ASSERT_FALSE(cv::imread(path, cv::IMREAD_UNCHANGED).empty()) << name << ": OpenCV itself reads it";
    ++written;
    auto input = load_image(path, card(3, 4));
    ASSERT_FALSE(input.ok()) << name;
    EXPECT_NE(input.error().find(std::string(name) + ": not a readable image: not a PNG, JPEG, BMP, TIFF or WebP file"),
              std::string::npos)
        << input.error();
  }
  EXPECT_GE(written, 6);
  test::write_file(dir_ / "bomb.ppm", "P6\n100000 100000\n255\n");
  auto bomb = load_image((dir_ / "bomb.ppm").string(), card(3, 4));
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.error().find("bomb.ppm: not a readable image: not a PNG"), std::string::npos) << bomb.error();
}

TEST_F(ImageInputTest, ImageFilesInListsImagesSortedByName) {
  cv::Mat pixel(1, 1, CV_8UC1, cv::Scalar(0));
  write("b.png", pixel);
  write("a.JPG", pixel);
  test::write_file(dir_ / "notes.txt", "x");
  auto files = image_files_in(dir_.path().string());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_NE(files[0].find("a.JPG"), std::string::npos);
  EXPECT_NE(files[1].find("b.png"), std::string::npos);
  EXPECT_TRUE(image_files_in((dir_ / "absent").string()).empty());
}

}  // namespace
}  // namespace actscope
