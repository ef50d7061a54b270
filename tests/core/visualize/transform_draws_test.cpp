// The feature visualization's random transforms: sizes, draws and the
// sampling matrix against OpenCV's own affine maps.
#include "core/visualize/transform_draws.h"

#include <cmath>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace actscope {
namespace {

TEST(TransformDrawsTest, SizesFollowLucentAt224AndShrinkForSmallInputs) {
  const TransformSizes at_224 = transform_sizes(224, 224);
  EXPECT_EQ(at_224.pad, 12);
  EXPECT_EQ(at_224.jitter, 4);
  EXPECT_EQ(at_224.late_jitter, 2);
  const TransformSizes at_28 = transform_sizes(28, 28);
  EXPECT_EQ(at_28.pad, 2);
  EXPECT_EQ(at_28.jitter, 1);
  EXPECT_EQ(at_28.late_jitter, 1);
  EXPECT_EQ(transform_sizes(28, 448).pad, 24);  // the longer side decides
}

TEST(TransformDrawsTest, AGeneratorRepeatsForItsSeedAndFilterOnly) {
  VisualRandom a(7, 3), b(7, 3), other_filter(7, 4), other_seed(8, 3);
  int same_as_other_filter = 0, same_as_other_seed = 0;
  for (int i = 0; i < 100; ++i) {
    const double value = a.uniform();
    EXPECT_EQ(value, b.uniform());
    same_as_other_filter += value == other_filter.uniform();
    same_as_other_seed += value == other_seed.uniform();
  }
  EXPECT_EQ(same_as_other_filter, 0);
  EXPECT_EQ(same_as_other_seed, 0);
}

TEST(TransformDrawsTest, DrawsStayInLucentsRangesWithZeroRotationSixTimesAsLikely) {
  VisualRandom random(0, 0);
  const TransformSizes sizes = transform_sizes(224, 224);
  std::set<double> scales;
  std::map<int, int> angles;
  const int draws = 26000;
  for (int i = 0; i < draws; ++i) {
    const TransformDraw draw = draw_transform(random, sizes);
    ASSERT_LE(std::abs(draw.dx), 4);
    ASSERT_LE(std::abs(draw.dy), 4);
    ASSERT_LE(std::abs(draw.late_dx), 2);
    ASSERT_LE(std::abs(draw.late_dy), 2);
    scales.insert(std::round(draw.scale * 100) / 100);
    angles[static_cast<int>(draw.degrees)]++;
  }
  EXPECT_EQ(scales, (std::set<double>{0.9, 0.92, 0.94, 0.96, 0.98, 1.0, 1.02, 1.04, 1.06, 1.08, 1.1}));
  EXPECT_EQ(angles.size(), 21u);
  EXPECT_EQ(angles.begin()->first, -10);
  EXPECT_EQ(angles.rbegin()->first, 10);
  EXPECT_NEAR(angles[0] / double(draws), 6.0 / 26, 0.01);
  EXPECT_NEAR(angles[5] / double(draws), 1.0 / 26, 0.005);
}

// The inverse map in pixels built with OpenCV: shift by d, rotate and scale
// about the centre (cv::getRotationMatrix2D's angle turns the other way in
// y-down pixels, hence -degrees), shift by d_late; inverted by
// cv::invertAffineTransform; then in affine_grid's [-1, 1] coordinates.
cv::Matx23d opencv_sampling(const TransformDraw& draw, int height, int width) {
  const cv::Point2f centre((width - 1) / 2.0f, (height - 1) / 2.0f);
  cv::Mat rotate = cv::getRotationMatrix2D(centre, -draw.degrees, draw.scale);  // 2x3 double
  cv::Matx33d first(1, 0, draw.dx, 0, 1, draw.dy, 0, 0, 1);
  cv::Matx33d turn(rotate.at<double>(0, 0), rotate.at<double>(0, 1), rotate.at<double>(0, 2),
                   rotate.at<double>(1, 0), rotate.at<double>(1, 1), rotate.at<double>(1, 2), 0, 0, 1);
  cv::Matx33d last(1, 0, draw.late_dx, 0, 1, draw.late_dy, 0, 0, 1);
  const cv::Matx33d forward = last * turn * first;
  cv::Mat inverse;
  cv::invertAffineTransform(cv::Mat(cv::Matx23d(forward.val)), inverse);
  // pixel p = (u + 1) W / 2 - 1/2 (align_corners false), and back.
  const cv::Matx33d to_pixels(width / 2.0, 0, (width - 1) / 2.0, 0, height / 2.0, (height - 1) / 2.0, 0, 0, 1);
  const cv::Matx33d to_unit = to_pixels.inv();
  cv::Matx33d back(inverse.at<double>(0, 0), inverse.at<double>(0, 1), inverse.at<double>(0, 2),
                   inverse.at<double>(1, 0), inverse.at<double>(1, 1), inverse.at<double>(1, 2), 0, 0, 1);
  const cv::Matx33d unit = to_unit * back * to_pixels;
  return cv::Matx23d(unit(0, 0), unit(0, 1), unit(0, 2), unit(1, 0), unit(1, 1), unit(1, 2));
}

TEST(TransformDrawsTest, SamplingMatrixIsOpenCvsInverseMapInUnitCoordinates) {
  VisualRandom random(3, 11);
  for (auto [height, width] : {std::pair{28, 28}, std::pair{224, 224}, std::pair{32, 48}}) {
    const TransformSizes sizes = transform_sizes(height, width);
    for (int i = 0; i < 50; ++i) {
      const TransformDraw draw = draw_transform(random, sizes);
      const auto ours = sampling_matrix(draw, height, width);
      const cv::Matx23d expected = opencv_sampling(draw, height, width);
      for (int k = 0; k < 6; ++k) {
        ASSERT_NEAR(ours[k], expected.val[k], 1e-5) << height << "x" << width << " entry " << k << " draw " << i;
      }
    }
  }
}

}  // namespace
}  // namespace actscope
