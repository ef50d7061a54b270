// Comparing two images layer by layer, and the partner proposed for a
// misclassified image.
#include "core/explain/compare.h"
#include "core/explain/compare_sheet.h"
#include "core/model/layer_query.h"

#include <cmath>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = test::load_bundled_model();
    ASSERT_NE(model_, nullptr);
  }

  LayerActivation capture_sample(const std::string& file, const std::string& layer) {
    auto captured = model_->capture({sample(file)}, CaptureOptions{{layer}});
    EXPECT_TRUE(captured.ok()) << captured.error();
    return captured.value().activations.at(0);
  }

  InputImage sample(const std::string& file) {
    auto image = load_image((test::resource_dir() / "samples" / file).string(), model_->card());
    EXPECT_TRUE(image.ok()) << image.error();
    return image.value();
  }

  std::unique_ptr<Model> model_;
};

TEST_F(CompareTest, AnImageComparedWithItselfHasNoDifference) {
  const LayerActivation a = capture_sample("03735_coat.png", "relu3");
  auto comparison = compare_layer(a.values, a.values);
  ASSERT_TRUE(comparison.ok()) << comparison.error();
  EXPECT_EQ(comparison.value().difference_scale, 0.0f);
  for (float value : comparison.value().difference.values) EXPECT_EQ(value, 0.5f);
  for (const auto& stats : comparison.value().difference.stats) {
    EXPECT_EQ(stats.min, 0.0f);
    EXPECT_EQ(stats.max, 0.0f);
  }
  for (const auto& filter : comparison.value().ranking) EXPECT_EQ(filter.difference, 0.0f);
  EXPECT_EQ(comparison.value().a.values, comparison.value().b.values);
}

TEST_F(CompareTest, RankingOrdersFiltersByMeanDifferenceComputedFromTheMaps) {
  const LayerActivation a = capture_sample("03735_coat.png", "conv4");
  const LayerActivation b = capture_sample("05334_t-shirt_top.png", "conv4");
  auto comparison = compare_layer(a.values, b.values);
  ASSERT_TRUE(comparison.ok()) << comparison.error();
  const auto& ranking = comparison.value().ranking;
  ASSERT_EQ(ranking.size(), 64u);
  for (size_t i = 1; i < ranking.size(); ++i)
    EXPECT_GE(std::fabs(ranking[i - 1].difference), std::fabs(ranking[i].difference));
  // The top filter's value, straight from the captured tensors.
  const int filter = ranking.front().filter;
  const int64_t plane = a.values.shape()[2] * a.values.shape()[3];
  double sum_a = 0.0, sum_b = 0.0;
  for (int64_t i = 0; i < plane; ++i) {
    sum_a += a.values[filter * plane + i];
    sum_b += b.values[filter * plane + i];
  }
  EXPECT_NEAR(ranking.front().difference, (sum_a - sum_b) / plane, 1e-5);
  EXPECT_GT(std::fabs(ranking.front().difference), 0.0f);
}

TEST(CompareScaleTest, BothImagesShareOneRangePerFilter) {
  // One filter of 2 values: A = [0, 2], B = [0, 1]. Shared range [0, 2].
  const FloatArray a({1, 1, 1, 2}, std::vector<float>{0.0f, 2.0f});
  const FloatArray b({1, 1, 1, 2}, std::vector<float>{0.0f, 1.0f});
  auto comparison = compare_layer(a, b);
  ASSERT_TRUE(comparison.ok()) << comparison.error();
  EXPECT_FLOAT_EQ(comparison.value().a.values[1], 1.0f);
  EXPECT_FLOAT_EQ(comparison.value().b.values[1], 0.5f);  // half as strong, half as bright
  EXPECT_FLOAT_EQ(comparison.value().difference_scale, 1.0f);
  EXPECT_FLOAT_EQ(comparison.value().difference.values[1], 1.0f);  // A - B = +1 = the scale
  EXPECT_FLOAT_EQ(comparison.value().difference.values[0], 0.5f);
  const FloatArray other({1, 2, 1, 1}, std::vector<float>{0.0f, 1.0f});
  EXPECT_FALSE(compare_layer(a, other).ok());
}

TEST_F(CompareTest, PartnerOfAMisclassifiedImageIsACorrectOneOfTheSameTrueClass) {
  EXPECT_EQ(penultimate_layer(*model_), ":flatten");
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  auto predictions = predict_dataset(*model_, dataset.value());
  ASSERT_TRUE(predictions.ok()) << predictions.error();
  size_t wrong = 0;
  while (predictions.value()[wrong].predicted_class == predictions.value()[wrong].true_class) ++wrong;
  auto partner = propose_partner(*model_, dataset.value(), predictions.value(), wrong);
  ASSERT_TRUE(partner.ok()) << partner.error();
  const auto& chosen = predictions.value()[partner.value()];
  EXPECT_NE(partner.value(), wrong);
  EXPECT_EQ(chosen.true_class, predictions.value()[wrong].true_class);
  EXPECT_EQ(chosen.predicted_class, chosen.true_class);

  // Nearest among all the candidates, by a direct search over their features.
  std::vector<InputImage> inputs;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < predictions.value().size(); ++i) {
    const auto& p = predictions.value()[i];
    if (i == wrong || p.true_class != chosen.true_class || p.predicted_class != p.true_class) continue;
    candidates.push_back(i);
    inputs.push_back(dataset.value().input(i, model_->card()).value());
  }
  ASSERT_GT(candidates.size(), 100u);
  inputs.push_back(dataset.value().input(wrong, model_->card()).value());
  auto features = model_->capture(inputs, CaptureOptions{{":flatten"}});
  ASSERT_TRUE(features.ok()) << features.error();
  const FloatArray& values = features.value().activations.at(0).values;
  const int64_t size = values.shape()[1];
  const float* query = values.data() + candidates.size() * size;
  size_t nearest = 0;
  double nearest_distance = 1e300;
  for (size_t c = 0; c < candidates.size(); ++c) {
    double distance = 0.0;
    for (int64_t k = 0; k < size; ++k) distance += std::pow(values.data()[c * size + k] - query[k], 2);
    if (distance < nearest_distance) {
      nearest_distance = distance;
      nearest = candidates[c];
    }
  }
  EXPECT_EQ(partner.value(), nearest);
}

// 01236_shirt.png is a Shirt (6) that the bundled model calls a T-shirt/top (0).
TEST_F(CompareTest, MisclassifiedImageIsExplainedForItsPredictedAndItsTrueClass) {
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

TEST_F(CompareTest, SheetHoldsTheGridsAndOneRowPerTopFilter) {
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
