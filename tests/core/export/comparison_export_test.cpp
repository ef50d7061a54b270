// The files of a comparison read back: the grids' and the sheet's pixels,
// ranking.json's values, and a manifest whose sha256 are the files'.
#include "core/export/comparison_export.h"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/base/version.h"
#include "core/io/sha256.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

using nlohmann::json;

const char* const kLayer = "conv4";
const char* const kWrittenFiles[] = {"a.png", "b.png", "difference.png", "sheet.png", "ranking.json"};

// A PNG decoded back to RGB.
RgbImage read_png(const std::filesystem::path& path) {
  const cv::Mat bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
  RgbImage image;
  if (bgr.empty()) return image;
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.pixels.assign(rgb.data, rgb.data + rgb.total() * 3);
  return image;
}

class ComparisonExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = test::load_bundled_model();
    ASSERT_NE(model_, nullptr);
    record_.model_path = test::bundled_model().string();
    record_.layer = kLayer;
    record_.image_paths = {sample_path("03735_coat.png"), sample_path("01236_shirt.png")};
    std::vector<InputImage> inputs;
    for (const auto& path : record_.image_paths) {
      auto image = load_image(path, model_->card());
      ASSERT_TRUE(image.ok()) << image.error();
      inputs.push_back(std::move(image).value());
    }
    auto captured = model_->capture(inputs, CaptureOptions{{kLayer}});
    ASSERT_TRUE(captured.ok()) << captured.error();
    const FloatArray& values = captured.value().activations.at(0).values;
    auto comparison = compare_layer(values, values, 0, 1);
    ASSERT_TRUE(comparison.ok()) << comparison.error();
    record_.comparison = std::move(comparison).value();
    const int true_classes[] = {-1, 6};  // the shirt is a Shirt the model calls a T-shirt/top
    for (int i = 0; i < 2; ++i) {
      auto explained = explain_image(*model_, inputs[i], true_classes[i]);
      ASSERT_TRUE(explained.ok()) << explained.error();
      record_.images[i] = std::move(explained).value();
    }
  }

  static std::string sample_path(const std::string& file) {
    return (test::resource_dir() / "samples" / file).string();
  }

  json read_json(const std::string& name) const { return json::parse(test::read_file(dir_ / name)); }

  std::unique_ptr<Model> model_;
  ComparisonRecord record_;
  test::TempDir dir_;
};

TEST_F(ComparisonExportTest, ImagesAreTheComposedFiguresPixelForPixel) {
  auto written = write_comparison(dir_.path().string(), model_->card(), record_, 4);
  ASSERT_TRUE(written.ok()) << written.error();
  const ComparisonFigures figures =
      compose_comparison(model_->card(), kLayer, record_.images[0], record_.images[1], record_.comparison, 4);
  const std::pair<const char*, const RgbImage*> pictures[] = {{"a.png", &figures.a.image},
                                                              {"b.png", &figures.b.image},
                                                              {"difference.png", &figures.difference.image},
                                                              {"sheet.png", &figures.sheet}};
  for (const auto& [name, expected] : pictures) {
    const RgbImage read = read_png(dir_ / name);
    EXPECT_EQ(read.width, expected->width) << name;
    EXPECT_EQ(read.height, expected->height) << name;
    EXPECT_TRUE(read.pixels == expected->pixels) << name;
  }
}

TEST_F(ComparisonExportTest, RankingJsonListsEveryFilterWithItsMeans) {
  ASSERT_TRUE(write_comparison(dir_.path().string(), model_->card(), record_).ok());
  const json ranking = read_json("ranking.json");
  EXPECT_EQ(ranking["layer"], kLayer);
  EXPECT_EQ(ranking["image_a"], record_.image_paths[0]);
  EXPECT_EQ(ranking["image_b"], record_.image_paths[1]);
  EXPECT_EQ(ranking["order"], "by |mean_a - mean_b|, largest first");
  const auto& expected = record_.comparison.ranking;
  ASSERT_EQ(ranking["filters"].size(), expected.size());
  ASSERT_EQ(expected.size(), 64u);
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& filter = ranking["filters"][i];
    EXPECT_EQ(filter["filter"], expected[i].filter);
    EXPECT_EQ(filter["mean_a"].get<float>(), expected[i].mean_a);
    EXPECT_EQ(filter["mean_b"].get<float>(), expected[i].mean_b);
    EXPECT_EQ(filter["difference"].get<float>(), expected[i].difference);
  }
}

TEST_F(ComparisonExportTest, ManifestPinsEachFileBySha256AndRecordsThePredictions) {
  auto written = write_comparison(dir_.path().string(), model_->card(), record_);
  ASSERT_TRUE(written.ok()) << written.error();
  EXPECT_EQ(std::filesystem::path(written.value()), dir_ / "manifest.json");
  const json manifest = read_json("manifest.json");
  std::set<std::string> names;
  for (const auto& [name, digest] : manifest["files_sha256"].items()) names.insert(name);
  EXPECT_EQ(names, std::set<std::string>(std::begin(kWrittenFiles), std::end(kWrittenFiles)));
  for (const char* name : kWrittenFiles)
    EXPECT_EQ(manifest["files_sha256"][name], sha256_hex(test::read_file(dir_ / name))) << name;
  EXPECT_EQ(manifest["actscope"], version());
  EXPECT_EQ(manifest["model"], std::filesystem::absolute(record_.model_path).string());
  EXPECT_EQ(manifest["layer"], kLayer);
  EXPECT_EQ(manifest["normalization"], "per filter, one range shared by A and B");
  EXPECT_EQ(manifest["difference_scale"].get<float>(), record_.comparison.difference_scale);
  ASSERT_EQ(manifest["images"].size(), 2u);
  const json& coat = manifest["images"][0];
  const json& shirt = manifest["images"][1];
  EXPECT_EQ(coat["path"], std::filesystem::absolute(record_.image_paths[0]).string());
  EXPECT_EQ(coat["predicted_label"], "Coat");
  EXPECT_EQ(coat["predicted_class"], record_.images[0].predicted.class_index);
  EXPECT_EQ(coat["confidence"].get<float>(), record_.images[0].predicted.probability);
  EXPECT_FALSE(coat.contains("true_class")) << "A's true class was not given";
  EXPECT_EQ(shirt["predicted_label"], "T-shirt/top");
  EXPECT_EQ(shirt["true_class"], 6);
  EXPECT_EQ(shirt["true_label"], "Shirt");
  EXPECT_EQ(coat["cam_layer"], record_.images[0].cam_layer);
  EXPECT_FALSE(shirt["cam_layer"].get<std::string>().empty());
}

TEST_F(ComparisonExportTest, AMissingFolderWritesNothing) {
  const auto missing = dir_ / "no" / "such";
  auto written = write_comparison(missing.string(), model_->card(), record_);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().find("no such folder"), std::string::npos) << written.error();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no"));
}

}  // namespace
}  // namespace actscope
