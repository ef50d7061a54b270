#include "core/atlas/filter_stats.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/atlas/atlas.h"
#include "core/atlas/atlas_json.h"

namespace actscope {
namespace {

// One filter of 2x2 maps, two classes, top 2.
LayerStats one_filter(int top_k = 2) { return LayerStats("conv", 1, 2, 2, 2, top_k); }

TEST(FilterStatsTest, TiesGoToTheFirstPositionAndTheLowerImage) {
  LayerStats layer = one_filter();
  const float tied[4] = {0.0f, 5.0f, 5.0f, 1.0f};
  layer.add_image(tied, 7, "b", 0);
  layer.add_image(tied, 3, "a", 1);
  const auto& top = layer.filters[0].top;
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].image, 3);  // same value: the lower index first
  EXPECT_EQ(top[1].image, 7);
  EXPECT_EQ(top[0].y, 0);  // (0, 1) comes before (1, 0) in row-major order
  EXPECT_EQ(top[0].x, 1);
}

TEST(FilterStatsTest, DeadImagesActivePositionsAndClassMeans) {
  LayerStats layer = one_filter();
  const float dead[4] = {0.0f, 0.0f, -1.0f, 0.0f};
  const float half[4] = {2.0f, 0.0f, 2.0f, 0.0f};
  layer.add_image(dead, 0, "dead", 0);
  layer.add_image(half, 1, "half", 1);
  const FilterSummary summary = summarize(layer, 0);
  EXPECT_DOUBLE_EQ(summary.dead_fraction, 0.5);
  EXPECT_DOUBLE_EQ(summary.active_fraction, 0.25);
  EXPECT_DOUBLE_EQ(summary.mean, (-0.25 + 1.0) / 2);
  ASSERT_EQ(summary.class_mean.size(), 2u);
  EXPECT_EQ(summary.preferred_class, 1);
  EXPECT_DOUBLE_EQ(summary.selectivity, (1.0 - -0.25) / (1.0 + -0.25));
  EXPECT_FLOAT_EQ(layer.filters[0].max, 2.0f);
  EXPECT_TRUE(flags_of(layer).dead.empty());  // active on one image of two
}

TEST(FilterStatsTest, HistogramBinsAreFixedAndOpenAtBothEnds) {
  EXPECT_EQ(histogram_edges().size(), 59u);
  EXPECT_EQ(histogram_bin(-1e9), 0);
  EXPECT_EQ(histogram_bin(1e9), 59);
  EXPECT_EQ(histogram_bin(0.0), histogram_bin(0.0005));  // [0, 1e-3)
  EXPECT_NE(histogram_bin(-0.0005), histogram_bin(0.0));
}

TEST(FilterStatsTest, ReluSixValuesAtSixAreSaturated) {
  LayerStats layer("act", 1, 2, 2, 0, 9, bounded_range("ReLU6"));
  const float values[4] = {6.0f, 6.0f, 6.0f, 3.0f};
  layer.add_image(values, 0, "x", -1);
  EXPECT_DOUBLE_EQ(summarize(layer, 0).saturated_fraction, 0.75);
  EXPECT_EQ(flags_of(layer).saturated, std::vector<int>{0});
  EXPECT_FALSE(bounded_range("Conv2d"));
}

Atlas shard_of(int shard, const std::vector<std::vector<float>>& maps) {
  Atlas atlas;
  atlas.model_sha256 = "abc";
  atlas.dataset_images = 4;
  atlas.shard = shard;
  atlas.shards = 2;
  atlas.top_k = 2;
  atlas.layers.push_back(one_filter());
  for (size_t i = 0; i < maps.size(); ++i) {
    const int64_t index = 2 * static_cast<int64_t>(i) + shard;
    atlas.layers[0].add_image(maps[i].data(), index, "image" + std::to_string(index), static_cast<int>(index % 2));
  }
  return atlas;
}

// The vectorized one-pass summary against a plain loop: maps whose length is
// not a multiple of the eight lanes, values at and near the bounds, and a
// NaN (skipped unless it comes first).
TEST(MapSummaryTest, OnePassSummaryMatchesAPlainLoop) {
  const std::pair<float, float> bounds{0.0f, 6.0f};
  for (int count : {1, 7, 8, 9, 49, 196, 787}) {
    std::vector<float> map(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) map[i] = static_cast<float>((i * 37) % 23) * 0.5f - 4.0f;
    map[static_cast<size_t>(count / 2)] = 6.0f + 5e-7f;
    if (count > 2) map[1] = std::nanf("");
    float maximum = map[0];
    int64_t positive = 0, saturated = 0;
    double total = 0.0;
    for (float value : map) {
      if (!std::isnan(value)) maximum = std::max(maximum, value);
      positive += value > 0.0f;
      saturated += std::fabs(value) <= 1e-6f || std::fabs(value - 6.0f) <= 1e-6f;
      if (!std::isnan(value)) total += value;
    }
    const MapSummary got = summarize_map(map.data(), count, &bounds);
    EXPECT_EQ(got.maximum, maximum) << count;
    EXPECT_EQ(got.positive, positive) << count;
    EXPECT_EQ(got.saturated, saturated) << count;
    EXPECT_EQ(summarize_map(map.data(), count, nullptr).saturated, 0) << count;
    if (count > 2) {
      EXPECT_TRUE(std::isnan(got.total)) << count;  // a NaN reaches the sum
    } else {
      EXPECT_NEAR(got.total, total, 1e-4) << count;
    }
  }
  const float nan_first[] = {std::nanf(""), 1.0f, 2.0f};
  EXPECT_TRUE(std::isnan(summarize_map(nan_first, 3, nullptr).maximum));
}

TEST(AtlasTest, ShardsMergeIntoWhatOneRunGivesAfterAJsonRoundTrip) {
  const std::vector<std::vector<float>> maps = {{1, 2, 3, 4}, {0, 0, 0, 9}, {-1, -2, -3, -4}, {5, 0, 0, 0}};
  Atlas whole = shard_of(0, maps);
  whole.shards = 1;
  whole.layers[0] = one_filter();
  for (int64_t i = 0; i < 4; ++i) whole.layers[0].add_image(maps[i].data(), i, "image" + std::to_string(i), i % 2);
  const Atlas even = shard_of(0, {maps[0], maps[2]});
  const Atlas odd = shard_of(1, {maps[1], maps[3]});
  auto even_back = atlas_from_json(atlas_to_json(even), "even");
  auto odd_back = atlas_from_json(atlas_to_json(odd), "odd");
  ASSERT_TRUE(even_back) << even_back.error();
  ASSERT_TRUE(odd_back) << odd_back.error();
  auto merged = merge_atlases({odd_back.value(), even_back.value()});
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(atlas_to_json(merged.value()), atlas_to_json(whole));
}

// Images a shard could not read travel through atlas.json and the merge,
// in dataset order.
TEST(AtlasTest, SkippedImagesSurviveTheJsonAndTheMerge) {
  Atlas even = shard_of(0, {{1, 2, 3, 4}});
  Atlas odd = shard_of(1, {{5, 0, 0, 0}});
  even.skipped = {{4, "e4.png", "e4.png: not a readable image"}};
  odd.skipped = {{1, "o1.png", "o1.png: damaged image"}, {7, "o7.png", "o7.png: x"}};
  auto even_back = atlas_from_json(atlas_to_json(even), "even");
  auto odd_back = atlas_from_json(atlas_to_json(odd), "odd");
  ASSERT_TRUE(even_back) << even_back.error();
  ASSERT_TRUE(odd_back) << odd_back.error();
  ASSERT_EQ(odd_back.value().skipped.size(), 2u);
  EXPECT_EQ(odd_back.value().skipped[0].error, "o1.png: damaged image");
  auto merged = merge_atlases({even_back.value(), odd_back.value()});
  ASSERT_TRUE(merged) << merged.error();
  std::vector<int64_t> order;
  for (const SkippedImage& image : merged.value().skipped) order.push_back(image.index);
  EXPECT_EQ(order, (std::vector<int64_t>{1, 4, 7}));
  EXPECT_EQ(merged.value().skipped[1].name, "e4.png");
}

TEST(AtlasTest, MergeRefusesMissingRepeatedAndForeignShards) {
  const Atlas first = shard_of(0, {{1, 2, 3, 4}});
  Atlas second = shard_of(1, {{4, 3, 2, 1}});
  EXPECT_EQ(merge_atlases({first}).error(), "shard 1 of 2 is missing");
  EXPECT_EQ(merge_atlases({first, first, second}).error(), "shard 0 is given twice");
  second.model_sha256 = "def";
  EXPECT_NE(merge_atlases({first, second}).error().find("another model"), std::string::npos);
}

TEST(AtlasTest, MalformedFileNamesItsPath) {
  EXPECT_EQ(atlas_from_json("{}", "x/atlas.json").error(), "x/atlas.json: not an actscope atlas (atlas.json)");
  EXPECT_NE(atlas_from_json("{", "y.json").error().find("y.json: malformed atlas"), std::string::npos);
}

TEST(DatasetMarksTest, IdleFiltersComeFirstDeadThenRareThenByActivity) {
  std::vector<DatasetMark> marks(5);
  marks[0].active_fraction = 0.5;
  marks[1].rarely_active = true;
  marks[1].active_fraction = 0.004;
  marks[2].dead = true;
  marks[3].active_fraction = 0.2;
  marks[4].active_fraction = 0.2;  // ties keep filter order
  EXPECT_EQ(idle_first_order(marks), (std::vector<int>{2, 1, 3, 4, 0}));
}

}  // namespace
}  // namespace actscope
