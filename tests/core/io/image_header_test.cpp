// The image header check against the decoders it stands in front of: the
// size it reads is the size cv::imdecode decodes for every file of the
// quirks corpus, and TIFF, PNG and JPEG headers are walked as libtiff,
// libpng and libjpeg walk them. Built on its own (image_header.cpp alone) so
// that ctest can run it under valgrind, which sees reads of uninitialized
// memory that the sanitizers do not.
#include "core/io/image_header.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

namespace actscope {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void put(std::string& bytes, uint64_t value, int count) {  // little-endian
  for (int i = 0; i < count; ++i) bytes += static_cast<char>((value >> (8 * i)) & 0xff);
}

// A classic (little-endian) TIFF whose first directory holds `entries`
// (tag, type, count, 4-byte value field), followed by `tail`, which starts
// at offset 8 + 2 + 12 * entries + 4.
std::string classic_tiff(const std::vector<std::array<uint64_t, 4>>& entries, const std::string& tail = "") {
  std::string bytes("II*\0", 4);
  put(bytes, 8, 4);
  put(bytes, entries.size(), 2);
  for (const auto& [tag, type, count, value] : entries) {
    put(bytes, tag, 2);
    put(bytes, type, 2);
    put(bytes, count, 4);
    put(bytes, value, 4);
  }
  put(bytes, 0, 4);
  return bytes + tail;
}

uint64_t tail_offset(size_t entries) { return 8 + 2 + 12 * entries + 4; }

// Type 16 (LONG8) does not fit a classic entry's 4-byte field: the field
// holds the offset of the 8 bytes, as libtiff reads it. The check read 8
// bytes from the 4-byte field before (4 of them uninitialized).
TEST(ImageHeaderTest, AClassicTiffLong8SideIsReadAtTheOffsetItsFieldHolds) {
  std::string tail;
  put(tail, 300, 8);
  const auto size = read_image_size(classic_tiff({{256, 16, 1, tail_offset(2)}, {257, 3, 1, 200}}, tail));
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->invalid, "");
  EXPECT_EQ(size->width, 300);
  EXPECT_EQ(size->height, 200);
  // Past the end of the file, or past a uint32: libtiff refuses it.
  const auto outside = read_image_size(classic_tiff({{256, 16, 1, 4000}, {257, 3, 1, 200}}));
  EXPECT_NE(outside->invalid.find("unreadable ImageWidth"), std::string::npos) << outside->invalid;
  std::string huge;
  put(huge, uint64_t{1} << 32, 8);
  const auto wide = read_image_size(classic_tiff({{256, 16, 1, tail_offset(2)}, {257, 3, 1, 200}}, huge));
  EXPECT_NE(wide->invalid.find("unreadable ImageWidth"), std::string::npos) << wide->invalid;
}

TEST(ImageHeaderTest, TiffSidesAreReadAsLibtiffReadsThem) {
  // libtiff ignores a later duplicate of a tag: the first ImageWidth counts.
  const auto twice = read_image_size(classic_tiff({{256, 4, 1, 10}, {256, 4, 1, 90000}, {257, 4, 1, 20}}));
  EXPECT_EQ(twice->width, 10);
  EXPECT_EQ(twice->height, 20);
  // BYTE and SLONG sides are read; a negative one or a count other than one is refused.
  const auto small = read_image_size(classic_tiff({{256, 1, 1, 7}, {257, 9, 1, 5}}));
  EXPECT_EQ(small->width, 7);
  EXPECT_EQ(small->height, 5);
  EXPECT_NE(read_image_size(classic_tiff({{256, 9, 1, 0xffffffff}, {257, 3, 1, 5}}))->invalid, "");
  EXPECT_NE(read_image_size(classic_tiff({{256, 4, 2, 7}, {257, 3, 1, 5}}))->invalid, "");
  EXPECT_NE(read_image_size(classic_tiff({{256, 2, 1, 7}, {257, 3, 1, 5}}))->invalid, "");  // ASCII
}

TEST(ImageHeaderTest, APngChunkBeforeIhdrIsSkippedAsLibpngSkipsIt) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += std::string("\0\0\0\x03teXx", 8) + "abc" + std::string(4, '\0');  // an ancillary chunk and its CRC
  png += std::string("\0\0\0\x0dIHDR\0\0\x01\0\0\0\0\x80\x08\x02\0\0\0", 21);
  const auto size = read_image_size(png);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->invalid, "");
  EXPECT_EQ(size->width, 256);
  EXPECT_EQ(size->height, 128);
}

// libjpeg skips bytes that are not 0xFF before a marker (with a warning), so
// a frame header behind them is found, and its size counts.
TEST(ImageHeaderTest, JpegStrayBytesAreSkippedAsLibjpegSkipsThem) {
  const std::string jpeg = std::string("\xff\xd8\xff\xe0\0\x02\x0d\x0a\xff\xc0\0\x11\x08\x4e\x20\x4e\x20", 17) +
                           std::string(10, '\0') + std::string("\xff\xd9", 2);
  const auto size = read_image_size(jpeg);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->invalid, "");
  EXPECT_EQ(size->width, 20000);
  EXPECT_EQ(size->height, 20000);
  EXPECT_NE(size->warning.find("2 stray bytes"), std::string::npos) << size->warning;
}

// The size read from the header is the size the decoder decodes, for every
// file of the corpus it reads.
TEST(ImageHeaderTest, TheHeaderSizeIsTheDecodedSizeForEveryCorpusFile) {
  int decoded_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(ACTSCOPE_IMAGE_QUIRKS_DIR)) {
    const std::string bytes = read(entry.path());
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    const cv::Mat decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    if (decoded.empty()) continue;
    ++decoded_files;
    const auto size = read_image_size(bytes);
    ASSERT_TRUE(size.has_value()) << entry.path();
    EXPECT_EQ(size->invalid, "") << entry.path();
    EXPECT_EQ(size->width, decoded.cols) << entry.path();
    EXPECT_EQ(size->height, decoded.rows) << entry.path();
  }
  EXPECT_GE(decoded_files, 15);
}

}  // namespace
}  // namespace actscope
