// Exporting one image's layers: the files read back hold what the engine
// captured and drew, and the manifest pins them.
#include "core/export/layer_export.h"

#include <cstring>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/data/dataset.h"
#include "core/data/loaded_images.h"
#include "core/io/sha256.h"
#include "core/maps/layer_view.h"
#include "tests/support/bundled_model_fixture.h"

namespace actscope {
namespace {

class LayerExportTest : public test::BundledModelFixture {
 protected:
  std::string image_path() const { return (test::resource_dir() / "samples" / "03735_coat.png").string(); }

  // The float32 values of a .npy file written by write_npy, after its header.
  static std::vector<float> npy_values(const std::filesystem::path& path) {
    const std::string bytes = test::read_file(path);
    const size_t data = bytes.find('\n') + 1;
    std::vector<float> values((bytes.size() - data) / sizeof(float));
    std::memcpy(values.data(), bytes.data() + data, values.size() * sizeof(float));
    return values;
  }

  test::TempDir dir_;
};

// Regression: a dataset image's manifest named a file "t10k[42]" that does not exist.
TEST_F(LayerExportTest, ADatasetImagesManifestRecordsTheDatasetTheIndexAndThePixelsSha256) {
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  auto images = load_dataset_images(*model_, dataset.value(), {42});
  ASSERT_TRUE(images.ok()) << images.error();
  const InputImage& image = images.value().front().input;
  ExportOptions options;
  options.layers = {"conv1"};
  auto summary = export_activations(*model_, image, image.name, dir_.path().string(), options);
  ASSERT_TRUE(summary.ok()) << summary.error();
  const auto manifest = nlohmann::json::parse(test::read_file(dir_ / "manifest.json"));
  const auto& entry = manifest["image"];
  EXPECT_FALSE(entry.contains("path"));
  EXPECT_EQ(entry["dataset"], std::filesystem::absolute(dataset.value().source).string());
  EXPECT_EQ(entry["index"], 42);
  EXPECT_EQ(entry["name"], image.name);
  EXPECT_EQ(entry["width"], 28);
  const std::string pixels(image.display.pixels.begin(), image.display.pixels.end());
  EXPECT_EQ(entry["pixels_sha256"], sha256_hex(pixels));
  EXPECT_EQ(entry["pixels_sha256"].get<std::string>().size(), 64u);
}

TEST_F(LayerExportTest, EachPngIsTheLayersGridAndEachNpyItsValues) {
  ExportOptions options;
  options.layers = {"bn1", "relu5", ":flatten"};
  options.write_npy = true;
  auto summary =
      export_activations(*model_, sample("03735_coat.png"), image_path(), dir_.path().string(), options);
  ASSERT_TRUE(summary.ok()) << summary.error();
  EXPECT_EQ(summary.value().layers_written, 3u);
  auto captured = model_->capture({sample("03735_coat.png")}, CaptureOptions{options.layers});
  ASSERT_TRUE(captured.ok()) << captured.error();
  for (const LayerActivation& layer : captured.value().activations) {
    const std::string stem = file_stem_for_layer(layer.name);
    const cv::Mat bgr = cv::imread((dir_ / (stem + ".png")).string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(bgr.empty()) << stem;
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    ViewOptions view_options;
    auto view = render_layer(*model_, layer, 0, image_path(), view_options);
    ASSERT_TRUE(view.ok()) << view.error();
    const RgbImage& expected = view.value().grid.image;
    ASSERT_EQ(rgb.cols, expected.width);
    ASSERT_EQ(rgb.rows, expected.height);
    EXPECT_EQ(std::memcmp(rgb.data, expected.pixels.data(), expected.pixels.size()), 0) << stem;
    const std::vector<float> values = npy_values(dir_ / (stem + ".npy"));
    ASSERT_EQ(static_cast<int64_t>(values.size()), layer.values.size()) << stem;
    EXPECT_EQ(std::memcmp(values.data(), layer.values.data(), values.size() * sizeof(float)), 0) << stem;
  }
}

TEST_F(LayerExportTest, ManifestPinsTheModelAndImageAndDescribesEveryLayer) {
  ExportOptions options;
  options.layers = {"relu4"};
  options.view.normalization = Normalization::kLayer;
  auto summary =
      export_activations(*model_, sample("03735_coat.png"), image_path(), dir_.path().string(), options);
  ASSERT_TRUE(summary.ok()) << summary.error();
  const auto manifest = nlohmann::json::parse(test::read_file(summary.value().manifest_path));
  EXPECT_EQ(manifest["model"]["sha256"], sha256_of_file(model_->path()).value());
  EXPECT_EQ(manifest["image"]["sha256"], sha256_of_file(image_path()).value());
  EXPECT_EQ(manifest["normalization"], "layer");
  EXPECT_EQ(manifest["colormap"], "viridis");
  ASSERT_EQ(manifest["layers"].size(), 1u);
  const auto& layer = manifest["layers"][0];
  EXPECT_EQ(layer["name"], "relu4");
  EXPECT_EQ(layer["kind"], "ReLU");
  EXPECT_EQ(layer["shape"], (std::vector<int64_t>{1, 64, 14, 14}));
  EXPECT_EQ(layer["png"], "relu4.png");
  EXPECT_FALSE(layer.contains("npy"));
  EXPECT_EQ(layer["filters"].size(), 64u);
  EXPECT_EQ(layer["shown_filters"].size(), 64u);
  for (const auto& filter : layer["filters"]) {
    EXPECT_GE(filter["min"].get<float>(), 0.0f);  // after a ReLU
    EXPECT_LE(filter["mean"].get<float>(), filter["max"].get<float>());
  }
}

TEST_F(LayerExportTest, AnUnknownLayerOrFolderWritesNothing) {
  ExportOptions options;
  options.layers = {"relu9"};
  auto unknown =
      export_activations(*model_, sample("03735_coat.png"), image_path(), dir_.path().string(), options);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("relu9"), std::string::npos) << unknown.error();
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
  auto no_folder = export_activations(*model_, sample("03735_coat.png"), image_path(),
                                      (dir_ / "missing").string(), ExportOptions{});
  ASSERT_FALSE(no_folder.ok());
  EXPECT_NE(no_folder.error().find("missing: no such folder"), std::string::npos) << no_folder.error();
}

TEST(FileStemTest, LayerNamesBecomeSafeFileNames) {
  EXPECT_EQ(file_stem_for_layer("layer1.0:add"), "layer1.0_add");
  EXPECT_EQ(file_stem_for_layer(":max_pool2d#2"), "_max_pool2d_2");
  EXPECT_EQ(file_stem_for_layer("features.3/x y"), "features.3_x_y");
  EXPECT_EQ(file_stem_for_layer(".hidden"), "_.hidden");
  EXPECT_EQ(file_stem_for_layer(""), "_");
}

}  // namespace
}  // namespace actscope
