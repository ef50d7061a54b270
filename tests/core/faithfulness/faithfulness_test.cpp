// The faithfulness room's pieces on their own: ROAD's imputation against the
// property that defines it, the curves' x, the random map against NumPy's
// MT19937 stream, the file's round trip and the merge's refusals. The
// metrics themselves are checked against Python (tests/cli/check_faithfulness.py).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/faithfulness/faithfulness_json.h"
#include "core/faithfulness/faithfulness_run.h"
#include "core/faithfulness/road_imputer.h"

namespace actscope {
namespace {

// Every imputed pixel is the weighted mean of its neighbours in the image
// (1/6 direct, 1/12 diagonal; those outside dropped), imputed ones included.
TEST(RoadImputerTest, EveryImputedPixelIsTheWeightedMeanOfItsNeighbours) {
  const int64_t channels = 2, height = 9, width = 7, pixels = height * width;
  std::mt19937 generator(5);
  std::uniform_real_distribution<float> value(-2.0f, 2.0f);
  std::vector<float> image(static_cast<size_t>(channels * pixels));
  for (float& v : image) v = value(generator);
  std::vector<uint8_t> keep(static_cast<size_t>(pixels), 1);
  for (int64_t i = 0; i < pixels; ++i) {
    if (i % 3 == 0 || (i / width >= 3 && i / width <= 5)) keep[static_cast<size_t>(i)] = 0;  // a band and a lattice
  }
  std::vector<float> out(image.size());
  impute_road(image.data(), channels, height, width, keep, 0.0, 0, out.data());
  int imputed = 0;
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t y = 0; y < height; ++y) {
      for (int64_t x = 0; x < width; ++x) {
        const int64_t at = y * width + x;
        if (keep[static_cast<size_t>(at)]) {
          EXPECT_EQ(out[static_cast<size_t>(c * pixels + at)], image[static_cast<size_t>(c * pixels + at)]);
          continue;
        }
        double sum = 0.0, weights = 0.0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if ((dy == 0 && dx == 0) || y + dy < 0 || x + dx < 0 || y + dy >= height || x + dx >= width) continue;
            const double w = (dy == 0 || dx == 0) ? 1.0 / 6 : 1.0 / 12;
            sum += w * out[static_cast<size_t>(c * pixels + (y + dy) * width + x + dx)];
            weights += w;
          }
        }
        EXPECT_NEAR(out[static_cast<size_t>(c * pixels + at)], sum / weights, 1e-5) << c << " " << y << " " << x;
        ++imputed;
      }
    }
  }
  EXPECT_GT(imputed, 2 * 20);
}

TEST(RoadImputerTest, NothingKeptImputesZerosAndNoiseIsSeeded) {
  const std::vector<float> image(3 * 4 * 5, 7.0f);
  const std::vector<uint8_t> none(4 * 5, 0);
  std::vector<float> out(image.size()), again(image.size()), other(image.size());
  impute_road(image.data(), 3, 4, 5, none, 0.0, 1, out.data());
  for (float v : out) EXPECT_EQ(v, 0.0f);
  impute_road(image.data(), 3, 4, 5, none, 0.5, 1, out.data());
  impute_road(image.data(), 3, 4, 5, none, 0.5, 1, again.data());
  impute_road(image.data(), 3, 4, 5, none, 0.5, 2, other.data());
  EXPECT_EQ(out, again);
  EXPECT_NE(out, other);
  double squares = 0.0;
  for (float v : out) squares += static_cast<double>(v) * v;
  EXPECT_NEAR(std::sqrt(squares / static_cast<double>(out.size())), 0.5, 0.15);  // noise of sd 0.5
}

TEST(FaithfulnessTest, CurveXEndsAtOneWithAShortLastStep) {
  EXPECT_EQ(curve_x(28 * 28, 28).size(), 29u);
  const std::vector<double> x = curve_x(10, 4);  // 0, 4, 8, 10 of 10
  ASSERT_EQ(x.size(), 4u);
  EXPECT_DOUBLE_EQ(x[0], 0.0);
  EXPECT_DOUBLE_EQ(x[1], 0.4);
  EXPECT_DOUBLE_EQ(x[2], 0.8);
  EXPECT_DOUBLE_EQ(x[3], 1.0);
}

// NumPy's RandomState(s).random_sample(): (a >> 5, b >> 6) of MT19937 drawn
// from init_genrand(s), as std::mt19937(s) draws them, over 2^53.
TEST(FaithfulnessTest, RandomMapIsNumpysStreamForSeedPlusIndex) {
  const std::vector<float> map = random_map(10, 3, 2, 2);
  std::mt19937 generator(13);
  for (float value : map) {
    const double a = generator() >> 5, b = generator() >> 6;
    EXPECT_EQ(value, static_cast<float>((a * 67108864.0 + b) / 9007199254740992.0));
    EXPECT_GE(value, 0.0f);
    EXPECT_LT(value, 1.0f);
  }
  EXPECT_NE(random_map(10, 4, 2, 2), map);
}

TEST(FaithfulnessTest, PercentileInterpolatesAsNumpy) {
  // np.percentile([1, 2, 3, 4], 10) = 1.3; 50 -> 2.5; 90 -> 3.7
  EXPECT_FLOAT_EQ(numpy_percentile({4, 1, 3, 2}, 10), 1.3f);
  EXPECT_FLOAT_EQ(numpy_percentile({4, 1, 3, 2}, 50), 2.5f);
  EXPECT_FLOAT_EQ(numpy_percentile({4, 1, 3, 2}, 90), 3.7f);
}

FaithfulnessRun shard_of(int shard, int shards, std::vector<int64_t> positions) {
  FaithfulnessRun run;
  run.methods = {"gradcam", "random"};
  run.layers = {"relu5"};
  run.step = 2;
  run.curve_x = {0.0, 0.5, 1.0};
  run.model_sha256 = "ab";
  run.source = "set";
  run.total = 4;
  run.shard = shard;
  run.shards = shards;
  for (int64_t position : positions) {
    ImageFaithfulness image;
    image.position = image.index = position;
    image.name = "image " + std::to_string(position);
    image.target_class = static_cast<int>(position % 3);
    for (int m = 0; m < 2; ++m) {
      MapFaithfulness metrics;
      metrics.deletion_curve = {0.9, 0.1 * static_cast<double>(position) + 0.01 * m, 0.05};
      metrics.insertion_curve = {0.2, 0.5, 0.9};
      metrics.deletion_auc = 0.1 * static_cast<double>(position) + 1.0 / 3.0 + m;
      metrics.road_morf_by_percentile.assign(9, -0.25 * static_cast<double>(position));
      metrics.road_lerf_by_percentile.assign(9, 0.125);
      image.methods.push_back(metrics);
    }
    run.images.push_back(image);
  }
  return run;
}

TEST(FaithfulnessRunTest, TheFileReadsBackExactlyAndShardsMergeInPositionOrder) {
  const FaithfulnessRun whole = shard_of(0, 1, {0, 1, 2, 3});
  auto read = faithfulness_from_json(faithfulness_to_json(whole), "whole.json");
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(faithfulness_to_json(read.value()), faithfulness_to_json(whole));
  auto merged = merge_faithfulness({shard_of(1, 2, {1, 3}), shard_of(0, 2, {0, 2})});
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(faithfulness_to_json(merged.value()), faithfulness_to_json(whole));
  const auto summary = summarize(whole);
  EXPECT_NEAR(summary[0].metrics[0].mean, (0.0 + 0.1 + 0.2 + 0.3) / 4 + 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(summary[0].metrics[0].std, std::sqrt(0.0125), 1e-12);  // of the population
  EXPECT_NEAR(summary[1].mean_deletion_curve[1], 0.16, 1e-15);
}

TEST(FaithfulnessRunTest, MergeRefusesOtherSettingsRepeatsAndMissingShards) {
  FaithfulnessRun other = shard_of(1, 2, {1, 3});
  other.options.seed = 9;
  auto refused = merge_faithfulness({shard_of(0, 2, {0, 2}), other});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("seed"), std::string::npos) << refused.error();
  refused = merge_faithfulness({shard_of(0, 2, {0, 2}), shard_of(0, 2, {0, 2})});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("twice"), std::string::npos) << refused.error();
  refused = merge_faithfulness({shard_of(0, 2, {0, 2})});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("1 of 2"), std::string::npos) << refused.error();
  EXPECT_FALSE(faithfulness_from_json("{\"format\": \"actscope-cka\"}", "x.json"));
  EXPECT_FALSE(faithfulness_from_json("{", "x.json"));
}

}  // namespace
}  // namespace actscope
