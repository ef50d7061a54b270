// The torch-free half of CAMs: method names, post-processing and pictures.
#include <gtest/gtest.h>

#include "core/cam.h"

namespace actscope {
namespace {

TEST(CamMethodNameTest, EveryMethodRoundTrips) {
  EXPECT_EQ(all_cam_methods().size(), 8u);
  for (CamMethod method : all_cam_methods()) EXPECT_EQ(parse_cam_method(to_string(method)).value(), method);
  auto unknown = parse_cam_method("gradcam+++");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("'gradcam+++'"), std::string::npos);
  EXPECT_TRUE(uses_gradients(CamMethod::kGradCamPlusPlus));
  EXPECT_FALSE(uses_gradients(CamMethod::kScoreCam));
}

TEST(ScaleCamTest, ReluThenMinMaxAtFeatureResolution) {
  const std::vector<float> raw = {-2.0f, 0.0f, 1.0f, 4.0f};
  const auto map = scale_cam(raw.data(), 2, 2, 2, 2, /*renormalize=*/false);
  // Negative evidence is dropped before normalizing: -2 and 0 both become 0.
  EXPECT_FLOAT_EQ(map[0], 0.0f);
  EXPECT_FLOAT_EQ(map[1], 0.0f);
  EXPECT_NEAR(map[2], 0.25f, 1e-6);
  EXPECT_NEAR(map[3], 1.0f, 1e-6);
}

TEST(ScaleCamTest, ResizeUsesHalfPixelCentres) {
  // 1x2 -> 1x4 with half-pixel centres: 0, 0.25, 0.75, 1 (align_corners would
  // give 0, 1/3, 2/3, 1).
  const std::vector<float> raw = {0.0f, 1.0f};
  const auto map = scale_cam(raw.data(), 1, 2, 1, 4, /*renormalize=*/true);
  ASSERT_EQ(map.size(), 4u);
  EXPECT_NEAR(map[0], 0.0f, 1e-6);
  EXPECT_NEAR(map[1], 0.25f, 1e-6);
  EXPECT_NEAR(map[2], 0.75f, 1e-6);
  EXPECT_NEAR(map[3], 1.0f, 1e-6);
}

TEST(ScaleCamTest, AllZeroMapStaysZeroNotNan) {
  const std::vector<float> raw(9, -1.0f);
  for (float value : scale_cam(raw.data(), 3, 3, 6, 6, true)) EXPECT_EQ(value, 0.0f);
}

RgbImage gray_image(int width, int height, uint8_t value) {
  return RgbImage{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3, value)};
}

TEST(CamOverlayTest, HasTheImageSizeAndFollowsTheMap) {
  const RgbImage image = gray_image(8, 4, 128);
  // A 2x2 map: hot on the right, cold on the left; upsampled to 8x4.
  const std::vector<float> map = {0.0f, 1.0f, 0.0f, 1.0f};
  const RgbImage overlay = cam_overlay(image, map.data(), 2, 2, Colormap::kJet, 0.5f);
  ASSERT_EQ(overlay.width, 8);
  ASSERT_EQ(overlay.height, 4);
  const auto pixel = [&](int x, int y, int channel) { return overlay.pixels[(y * 8 + x) * 3 + channel]; };
  EXPECT_GT(pixel(7, 0, 0), pixel(7, 0, 2));  // jet: red where the map is 1
  EXPECT_GT(pixel(0, 0, 2), pixel(0, 0, 0));  // blue where it is 0
  // Brightest channel scaled to 255.
  EXPECT_EQ(*std::max_element(overlay.pixels.begin(), overlay.pixels.end()), 255);
}

TEST(CamOverlayTest, MaskedImageIsTheImageTimesTheMap) {
  const RgbImage image = gray_image(2, 1, 200);
  const std::vector<float> map = {0.0f, 0.5f};
  const RgbImage masked = cam_masked(image, map.data(), 1, 2);
  EXPECT_EQ(masked.pixels[0], 0);
  EXPECT_EQ(masked.pixels[3], 100);
}

TEST(CamSheetTest, OnePanelPerPictureSideBySide) {
  const std::vector<RgbImage> pictures(3, gray_image(28, 28, 50));
  const RgbImage sheet = compose_sheet(pictures, {"input", "gradcam", "cam"});
  EXPECT_GT(sheet.width, 3 * 160);
  EXPECT_LT(sheet.height, 2 * 190);
}

}  // namespace
}  // namespace actscope
