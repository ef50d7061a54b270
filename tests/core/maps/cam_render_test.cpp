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

// A picture drawn over a crop, put back in the photo it was cut from: its
// pixels at the crop's place, the photo around dimmed to 40%, a white frame
// a pixel outside the crop; without a photo, the picture itself.
TEST(CamOverlayTest, APictureOfACropIsPutBackInItsPhoto) {
  RgbImage photo{10, 8, std::vector<uint8_t>(10 * 8 * 3, 100)};
  RgbImage picture{4, 3, std::vector<uint8_t>(4 * 3 * 3, 7)};
  const RgbImage placed = in_context(photo, 3, 2, picture);
  ASSERT_EQ(placed.width, 10);
  ASSERT_EQ(placed.height, 8);
  auto at = [&placed](int x, int y) { return placed.pixels[(static_cast<size_t>(y) * 10 + x) * 3]; };
  for (int y = 2; y < 5; ++y)
    for (int x = 3; x < 7; ++x) EXPECT_EQ(at(x, y), 7) << x << "," << y;
  EXPECT_EQ(at(2, 1), 255);  // the frame's corner
  EXPECT_EQ(at(7, 5), 255);
  EXPECT_EQ(at(5, 5), 255);  // its bottom line
  EXPECT_EQ(at(0, 0), 40);   // the photo, dimmed
  EXPECT_EQ(at(9, 7), 40);
  const RgbImage alone = in_context(RgbImage{}, 3, 2, picture);
  EXPECT_EQ(alone.width, 4);
  EXPECT_EQ(alone.pixels, picture.pixels);
}

TEST(CamSheetTest, OnePanelPerPictureSideBySide) {
  const std::vector<RgbImage> pictures(3, gray_image(28, 28, 50));
  const RgbImage sheet = compose_sheet(pictures, {"input", "gradcam", "cam"});
  EXPECT_GT(sheet.width, 3 * 160);
  EXPECT_LT(sheet.height, 2 * 190);
}

}  // namespace
}  // namespace actscope
