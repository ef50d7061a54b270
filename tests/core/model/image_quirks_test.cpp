// The corpus of real-world image quirks (tests/data/image_quirks): every file
// OpenCV's decoder reads loads, with the pixels it decodes, and every other
// file is refused naming the file and the reason; expected.json says which.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/model/image_input.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

std::filesystem::path corpus_dir() { return test::resource_dir().parent_path() / "tests" / "data" / "image_quirks"; }

ModelCard color_card(int height, int width) {
  ModelCard card;
  card.channels = 3;
  card.height = height;
  card.width = width;
  card.mean = {0.0f, 0.0f, 0.0f};
  card.std = {1.0f, 1.0f, 1.0f};
  return card;
}

cv::Mat decode(const std::string& bytes) {
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  return cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
}

// OpenCV's decode as 8-bit RGB, converted here step by step.
cv::Mat as_rgb8(const cv::Mat& decoded) {
  cv::Mat eight = decoded;
  if (decoded.depth() == CV_16U) decoded.convertTo(eight, CV_8U, 255.0 / 65535.0);
  cv::Mat rgb;
  if (eight.channels() == 1) cv::cvtColor(eight, rgb, cv::COLOR_GRAY2RGB);
  if (eight.channels() == 3) cv::cvtColor(eight, rgb, cv::COLOR_BGR2RGB);
  if (eight.channels() == 4) cv::cvtColor(eight, rgb, cv::COLOR_BGRA2RGB);
  return rgb;
}

TEST(ImageQuirksTest, EveryFileLoadsAsOpenCvDecodesItOrIsRefusedWithItsReason) {
  std::ifstream file(corpus_dir() / "expected.json");
  ASSERT_TRUE(file) << corpus_dir();
  const nlohmann::json expected = nlohmann::json::parse(file);
  int checked = 0;
  for (const auto& [name, want] : expected.items()) {
    if (name.front() == '_') continue;
    SCOPED_TRACE(name);
    const std::string path = (corpus_dir() / name).string();
    const cv::Mat decoded = decode(test::read_file(path));
    const bool loads = want.at("loads").get<bool>();
    ASSERT_EQ(!decoded.empty(), loads) << "the corpus says OpenCV " << (loads ? "reads" : "refuses") << " it";
    auto image = load_image(path, color_card(loads ? decoded.rows : 32, loads ? decoded.cols : 48));
    ++checked;
    if (!loads) {
      ASSERT_FALSE(image.ok());
      EXPECT_NE(image.error().find(name + ": " + want.at("error").get<std::string>()), std::string::npos)
          << image.error();
      continue;
    }
    ASSERT_TRUE(image.ok()) << image.error();
    const std::string warning = want.value("warning", "");
    if (warning.empty()) {
      EXPECT_EQ(image.value().warning, "");
    } else {
      EXPECT_NE(image.value().warning.find(name + ": " + warning), std::string::npos) << image.value().warning;
    }
    const cv::Mat rgb = as_rgb8(decoded);
    const RgbImage& shown = image.value().display;
    ASSERT_EQ(shown.width, rgb.cols);
    ASSERT_EQ(shown.height, rgb.rows);
    EXPECT_TRUE(std::equal(shown.pixels.begin(), shown.pixels.end(), rgb.ptr<uint8_t>()));
  }
  EXPECT_EQ(checked, 16);
}

// A JPEG with two stray bytes before a marker gives the model exactly the
// input of OpenCV's decode of it saved as PNG.
TEST(ImageQuirksTest, AJpegWithStrayBytesGivesTheInputOfItsDecodeSavedAsPng) {
  test::TempDir dir;
  const std::string jpeg = (corpus_dir() / "stray_bytes.jpg").string();
  const cv::Mat decoded = decode(test::read_file(jpeg));
  ASSERT_FALSE(decoded.empty());
  const std::string png = (dir / "decoded.png").string();
  ASSERT_TRUE(cv::imwrite(png, decoded));
  ModelCard gray = color_card(28, 28);
  gray.channels = 1;
  gray.mean = {0.286f};
  gray.std = {0.353f};
  for (const ModelCard& card : {gray, color_card(28, 28), color_card(decoded.rows, decoded.cols)}) {
    auto from_jpeg = load_image(jpeg, card);
    auto from_png = load_image(png, card);
    ASSERT_TRUE(from_jpeg.ok()) << from_jpeg.error();
    ASSERT_TRUE(from_png.ok()) << from_png.error();
    EXPECT_EQ(from_jpeg.value().tensor, from_png.value().tensor);
    EXPECT_EQ(from_png.value().warning, "");
  }
}

// Rows stored top to bottom (a negative BMP height) show the same picture as
// rows stored bottom to top.
TEST(ImageQuirksTest, ATopDownBmpShowsTheSamePictureAsABottomUpOne) {
  auto top_down = load_image((corpus_dir() / "top_down.bmp").string(), color_card(32, 48));
  auto bottom_up = load_image((corpus_dir() / "bottom_up.bmp").string(), color_card(32, 48));
  ASSERT_TRUE(top_down.ok()) << top_down.error();
  ASSERT_TRUE(bottom_up.ok()) << bottom_up.error();
  EXPECT_EQ(top_down.value().display.pixels, bottom_up.value().display.pixels);
  // The bright square is near the top left, as drawn.
  EXPECT_GE(top_down.value().display.pixels[3 * (6 * 48 + 8)], 245);
}

// The file is opened and read once, checked and decoded from the same
// bytes: a decoder that opened the path again after the check would decode
// whatever was swapped in meanwhile (a decompression bomb, say).
TEST(ImageQuirksTest, TheFileIsReadOnceSoOneSwappedAfterTheCheckIsNeverDecoded) {
  test::TempDir dir;
  std::filesystem::copy_file(corpus_dir() / "progressive.jpg", dir / "photo.jpg");
  test::OpenCounter counter(dir / "photo.jpg");
  auto image = load_image((dir / "photo.jpg").string(), color_card(32, 48));
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(counter.opens(), 1);
}

}  // namespace
}  // namespace actscope
