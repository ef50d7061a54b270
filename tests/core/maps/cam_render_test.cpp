// CAMs drawn for a person: overlay, masked image, captioned sheet.
#include <gtest/gtest.h>

#include "core/maps/cam_render.h"

namespace actscope {
namespace {

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
