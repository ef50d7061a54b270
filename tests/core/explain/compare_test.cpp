// Comparing two images layer by layer, and the partner proposed for a
// misclassified image.
#include "core/explain/compare.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/data/dataset.h"
#include "core/maps/normalization.h"
#include "core/model/layer_query.h"
#include "tests/support/bundled_model_fixture.h"

namespace actscope {
namespace {

class CompareTest : public test::BundledModelFixture {};

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
  // Compared with itself, each filter's shared range is its own range: both
  // sides are A normalized alone, filter by filter.
  const auto& shape = a.values.shape();
  const NormalizedMaps alone = normalize_maps(a.values.data(), static_cast<int>(shape[1]),
                                              static_cast<int>(shape[2]), static_cast<int>(shape[3]),
                                              Normalization::kFilter);
  // (The two divide differently: within a float's rounding.)
  ASSERT_EQ(comparison.value().a.values.size(), alone.values.size());
  for (size_t i = 0; i < alone.values.size(); ++i) {
    ASSERT_NEAR(comparison.value().a.values[i], alone.values[i], 1e-6f) << i;
    ASSERT_NEAR(comparison.value().b.values[i], alone.values[i], 1e-6f) << i;
  }
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

// A filter near-dead in both images (its largest value a millionth of the
// layer's) stays dark, as in the single-image grid: stretched to its shared
// range it would look like a live filter. Near-dead in A only, it is drawn
// on the range it shares with B, where it is dim.
TEST(CompareScaleTest, AFilterNearDeadInBothImagesStaysDark) {
  const FloatArray a({1, 3, 1, 2}, std::vector<float>{0.0f, 100.0f, 0.0f, 1e-6f, 0.0f, 1e-6f});
  const FloatArray b({1, 3, 1, 2}, std::vector<float>{0.0f, 50.0f, 0.0f, 2e-6f, 0.0f, 80.0f});
  auto comparison = compare_layer(a, b);
  ASSERT_TRUE(comparison.ok()) << comparison.error();
  const auto& shown = comparison.value();
  EXPECT_EQ(shown.a.values[3], 0.0f);  // filter 1: near-dead in both
  EXPECT_EQ(shown.b.values[3], 0.0f);
  EXPECT_FLOAT_EQ(shown.a.values[1], 1.0f);  // filter 0: live
  EXPECT_FLOAT_EQ(shown.b.values[1], 0.5f);
  EXPECT_FLOAT_EQ(shown.a.values[5], 1e-6f / 80.0f);  // filter 2: near-dead in A only
  EXPECT_FLOAT_EQ(shown.b.values[5], 1.0f);
}

// Near-dead in A and exactly zero in B: nothing to see in either image, so
// dark in both (it was stretched to full brightness in A, the shared range
// being A's noise alone).
TEST(CompareScaleTest, AFilterNearDeadInOneImageAndZeroInTheOtherStaysDark) {
  const FloatArray a({1, 2, 1, 2}, std::vector<float>{0.0f, 100.0f, 0.0f, 1e-6f});
  const FloatArray b({1, 2, 1, 2}, std::vector<float>{0.0f, 50.0f, 0.0f, 0.0f});
  auto comparison = compare_layer(a, b);
  ASSERT_TRUE(comparison.ok()) << comparison.error();
  const auto& shown = comparison.value();
  EXPECT_TRUE(shown.a.stats[1].near_dead);
  EXPECT_EQ(shown.a.values[3], 0.0f);
  EXPECT_EQ(shown.b.values[3], 0.0f);
  EXPECT_FLOAT_EQ(shown.a.values[1], 1.0f);  // filter 0: live
  EXPECT_FLOAT_EQ(shown.b.values[1], 0.5f);
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

// 01236_shirt.png is a Shirt the bundled model calls a T-shirt/top; the
// samples hold one other Shirt, which it gets right.
TEST_F(CompareTest, ComparePairIsTheImageAndItsPartnerReadAndPredicted) {
  test::TempDir dir;
  test::lay_out_samples_by_class(dir.path());
  auto dataset = open_dataset(dir.path().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  auto predictions = predict_dataset(*model_, dataset.value());
  ASSERT_TRUE(predictions.ok()) << predictions.error();
  const auto index_of = [&](const std::string& file) {
    for (size_t i = 0; i < dataset.value().images.size(); ++i) {
      if (dataset.value().images[i].name.find(file) != std::string::npos) return i;
    }
    ADD_FAILURE() << file;
    return size_t{0};
  };
  auto pair = load_compare_pair(*model_, dataset.value(), predictions.value(), index_of("01236_shirt.png"));
  ASSERT_TRUE(pair.ok()) << pair.error();
  ASSERT_EQ(pair.value().images.size(), 2u);
  EXPECT_TRUE(pair.value().note.empty());
  const LoadedImage& a = pair.value().images[0];
  const LoadedImage& b = pair.value().images[1];
  EXPECT_NE(a.input.name.find("01236_shirt.png"), std::string::npos);
  EXPECT_NE(b.input.name.find("07654_shirt.png"), std::string::npos);
  EXPECT_EQ(a.true_class, 6);
  EXPECT_EQ(b.true_class, 6);
  EXPECT_TRUE(a.misclassified());
  EXPECT_FALSE(b.misclassified());
  ASSERT_EQ(a.top.size(), 5u);
  auto logits = model_->logits({sample("01236_shirt.png")});
  ASSERT_TRUE(logits.ok()) << logits.error();
  const auto expected = top_classes(logits.value()[0], 5);
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(a.top[k].class_index, expected[k].class_index);
    EXPECT_NEAR(a.top[k].probability, expected[k].probability, 1e-5f);  // a batch of two, not one
  }

  // The other Shirt's partner would be 01236, which the model gets wrong: none.
  auto alone = load_compare_pair(*model_, dataset.value(), predictions.value(), index_of("07654_shirt.png"));
  ASSERT_TRUE(alone.ok()) << alone.error();
  EXPECT_EQ(alone.value().images.size(), 1u);
  EXPECT_NE(alone.value().note.find("no correctly classified image"), std::string::npos)
      << alone.value().note;
}

}  // namespace
}  // namespace actscope
