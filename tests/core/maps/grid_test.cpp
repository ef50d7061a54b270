#include "core/maps/grid.h"

#include <gtest/gtest.h>

#include "core/maps/filter_weights.h"

namespace actscope {
namespace {

// The RGB pixel at (x, y).
std::array<int, 3> pixel(const RgbImage& image, int x, int y) {
  const uint8_t* p = image.pixels.data() + (static_cast<size_t>(y) * image.width + x) * 3;
  return {p[0], p[1], p[2]};
}

// The centre pixel of tile `t`.
std::array<int, 3> tile_centre(const Grid& grid, int t, int gap = 2) {
  const int x = gap + (t % grid.columns) * (grid.tile_width + gap) + grid.tile_width / 2;
  const int y =
      grid.caption_height + gap + (t / grid.columns) * (grid.tile_height + gap) + grid.tile_height / 2;
  return pixel(grid.image, x, y);
}

NormalizedMaps ramp_maps(int count, int size) {
  std::vector<float> data(static_cast<size_t>(count) * size * size);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<float>(i % (size * size)) * (1 + i / (size * size));
  return normalize_maps(data.data(), count, size, size, Normalization::kFilter);
}

TEST(GridTest, TilesFormANearSquareGridOfAtLeast48Pixels) {
  auto grid = compose_grid(ramp_maps(10, 7), GridOptions{});
  EXPECT_EQ(grid.columns, 4);
  EXPECT_EQ(grid.rows, 3);
  EXPECT_EQ(grid.tile_width, 49);  // 7 px enlarged 7 times
  EXPECT_EQ(grid.filters.size(), 10u);
  EXPECT_EQ(grid.image.height, 3 * (49 + 2) + 2);
  EXPECT_EQ(grid.image.width, std::max(4 * (49 + 2) + 2, 320));
}

TEST(GridTest, DeadFilterIsABlackTileInGray) {
  const float data[] = {0, 0, 0, 0, /* alive */ 0, 1, 2, 3};
  GridOptions options;
  options.colormap = Colormap::kGray;
  auto grid = compose_grid(normalize_maps(data, 2, 2, 2, Normalization::kFilter), options);
  EXPECT_EQ(tile_centre(grid, 0), (std::array<int, 3>{0, 0, 0}));
  // The bottom-right pixel of the live filter is its maximum: white.
  const int x = 2 + grid.tile_width + 2 + grid.tile_width - 1;
  EXPECT_EQ(pixel(grid.image, x, 2 + grid.tile_height - 1), (std::array<int, 3>{255, 255, 255}));
}

TEST(GridTest, SignedZeroIsTheMiddleOfTheDivergingColormap) {
  const float data[] = {-4, 0, 0, 4};
  GridOptions options;
  options.colormap = Colormap::kCoolwarm;
  options.min_tile = 2;
  auto grid = compose_grid(normalize_maps(data, 1, 2, 2, Normalization::kSigned), options);
  const auto zero = pixel(grid.image, 2 + 1, 2);  // the map's (0, 1) value is 0
  for (int channel : zero) EXPECT_GE(channel, 250) << "zero is (nearly) white";
  const auto negative = pixel(grid.image, 2, 2);
  const auto positive = pixel(grid.image, 3, 3);
  EXPECT_GT(negative[2], negative[0]) << "below zero is blue";
  EXPECT_GT(positive[0], positive[2]) << "above zero is red";
}

TEST(GridTest, LargeLayersShowTheirMostActiveFiltersAndSaySo) {
  std::vector<float> data(300);
  for (int i = 0; i < 300; ++i) data[i] = static_cast<float>(i);
  auto maps = normalize_maps(data.data(), 300, 1, 1, Normalization::kLayer);
  auto grid = compose_grid(maps, GridOptions{});
  ASSERT_EQ(grid.filters.size(), 256u);
  EXPECT_EQ(grid.filters.front(), 44);  // 300 - 256: the least active shown, in index order
  EXPECT_NE(grid.limit_note.find("256 most active of 300"), std::string::npos);
  GridOptions top;
  top.top_k = 3;
  top.sort_by_mean = true;
  auto best = compose_grid(maps, top);
  EXPECT_EQ(best.filters, (std::vector<int>{299, 298, 297}));
  EXPECT_TRUE(best.limit_note.empty());
}

TEST(GridTest, TwoThousandFilterLayerStaysSmall) {
  std::vector<float> data(2048 * 7 * 7, 1.0f);
  auto grid = compose_grid(normalize_maps(data.data(), 2048, 7, 7, Normalization::kFilter), GridOptions{});
  EXPECT_EQ(grid.filters.size(), 256u);
  EXPECT_LT(grid.image.pixels.size(), 4u << 20);
}

TEST(GridTest, ColormapNamesRoundTrip) {
  for (const char* name : {"gray", "viridis", "inferno", "magma", "jet", "turbo", "coolwarm"}) {
    EXPECT_EQ(to_string(parse_colormap(name).value()), name);
  }
  EXPECT_FALSE(parse_colormap("rainbow").ok());
}

TEST(FilterWeightsTest, ThreeChannelFiltersAreDrawnInColor) {
  // Two 1x1 filters: the first all red (input channel 0), the second all blue.
  std::vector<float> values = {1, 0, 0, /* second */ 0, 0, 1};
  auto grid = compose_weight_grid(FloatArray({2, 3, 1, 1}, values), WeightGridOptions{});
  ASSERT_TRUE(grid.ok()) << grid.error();
  EXPECT_EQ(grid.value().filters.size(), 2u);
  EXPECT_EQ(tile_centre(grid.value(), 0), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ(tile_centre(grid.value(), 1), (std::array<int, 3>{0, 0, 255}));
}

TEST(FilterWeightsTest, OtherFiltersAreTheMeanOverInputsAndCanBeExpanded) {
  std::vector<float> values(4 * 2 * 3 * 3, 0.0f);
  values[0] = 1.0f;  // filter 0, input 0, top-left
  WeightGridOptions options;
  options.grid.colormap = Colormap::kGray;
  auto grid = compose_weight_grid(FloatArray({4, 2, 3, 3}, values), options);
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ(grid.value().filters.size(), 4u);
  EXPECT_EQ(pixel(grid.value().image, 2, 2), (std::array<int, 3>{255, 255, 255}));
  options.expand_filter = 0;
  auto expanded = compose_weight_grid(FloatArray({4, 2, 3, 3}, values), options);
  ASSERT_TRUE(expanded.ok());
  EXPECT_EQ(expanded.value().filters.size(), 2u);
  options.expand_filter = 9;
  EXPECT_FALSE(compose_weight_grid(FloatArray({4, 2, 3, 3}, values), options).ok());
}

}  // namespace
}  // namespace actscope
