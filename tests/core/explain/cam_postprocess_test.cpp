// The torch-free half of CAMs: method names and post-processing.
#include <gtest/gtest.h>

#include "core/explain/cam.h"
#include "core/explain/cam_postprocess.h"

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

}  // namespace
}  // namespace actscope
