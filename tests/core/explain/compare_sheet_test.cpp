#include "core/explain/compare_sheet.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "core/explain/cam.h"
#include "core/explain/compare.h"
#include "tests/support/bundled_model_fixture.h"

namespace actscope {
namespace {

class CompareSheetTest : public test::BundledModelFixture {};

// 01236_shirt.png is a Shirt (6) that the bundled model calls a T-shirt/top (0).
TEST_F(CompareSheetTest, MisclassifiedImageIsExplainedForItsPredictedAndItsTrueClass) {
  const InputImage shirt = sample("01236_shirt.png");
  auto explained = explain_image(*model_, shirt, 6);
  ASSERT_TRUE(explained.ok()) << explained.error();
  const ImageExplanation& image = explained.value();
  EXPECT_EQ(image.predicted.class_index, 0);
  EXPECT_EQ(image.cam_layer, default_cam_layer(*model_).value());
  EXPECT_TRUE(image.cam_error.empty());
  for (int target : {0, 6}) {
    CamOptions options;
    options.target_class = target;
    auto cam = compute_cam(*model_, {shirt}, options);
    ASSERT_TRUE(cam.ok()) << cam.error();
    const std::vector<float>& map = target == 0 ? image.cam_predicted : image.cam_true;
    ASSERT_EQ(map.size(), cam.value().map.size());
    ASSERT_EQ(static_cast<size_t>(image.cam_height * image.cam_width), map.size());
    for (size_t i = 0; i < map.size(); ++i) ASSERT_NEAR(map[i], cam.value().map.data()[i], 1e-6f) << target;
  }
  float largest = 0.0f;
  for (size_t i = 0; i < image.cam_true.size(); ++i)
    largest = std::max(largest, std::fabs(image.cam_true[i] - image.cam_predicted[i]));
  EXPECT_GT(largest, 0.05f) << "the two classes' evidence should lie in different places";
  EXPECT_NE(describe_prediction(model_->card(), "A", image).find("true Shirt"), std::string::npos);

  auto unknown = explain_image(*model_, shirt, -1);
  ASSERT_TRUE(unknown.ok()) << unknown.error();
  EXPECT_TRUE(unknown.value().cam_true.empty());
  auto bad = explain_image(*model_, shirt, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("not one of the model's 10 classes"), std::string::npos) << bad.error();
}

TEST_F(CompareSheetTest, SheetHoldsTheGridsAndOneRowPerTopFilter) {
  const InputImage a = sample("01236_shirt.png");
  const InputImage b = sample("07654_shirt.png");
  auto captured = model_->capture({a, b}, CaptureOptions{{"relu4"}});
  ASSERT_TRUE(captured.ok()) << captured.error();
  const FloatArray& values = captured.value().activations.at(0).values;
  auto comparison = compare_layer(values, values, 0, 1);
  ASSERT_TRUE(comparison.ok()) << comparison.error();
  auto explained_a = explain_image(*model_, a, 6);
  auto explained_b = explain_image(*model_, b, 6);
  ASSERT_TRUE(explained_a.ok() && explained_b.ok());
  const ComparisonFigures five = compose_comparison(model_->card(), "relu4", explained_a.value(),
                                                    explained_b.value(), comparison.value(), 5);
  const ComparisonFigures one = compose_comparison(model_->card(), "relu4", explained_a.value(),
                                                   explained_b.value(), comparison.value(), 1);
  ASSERT_GT(one.top_filters.height, 0);
  EXPECT_EQ(five.top_filters.height, 5 * one.top_filters.height);
  EXPECT_EQ(five.sheet.height - one.sheet.height, 4 * one.top_filters.height);
  // The three grids side by side fit in the sheet, under the images' row.
  EXPECT_GE(five.sheet.width, five.a.image.width + five.b.image.width + five.difference.image.width);
  EXPECT_GT(five.sheet.height,
            five.a.image.height + five.top_filters.height + explained_a.value().display.height);
  EXPECT_EQ(five.a.filters.size(), static_cast<size_t>(comparison.value().a.count));
}

}  // namespace
}  // namespace actscope
