#include "core/maps/grid.h"

#include <gtest/gtest.h>

#include "tests/support/image_checks.h"

namespace actscope {
namespace {

using test::pixel;
using test::tile_centre;

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

TEST(GridTest, AGivenOrderDecidesTheTilesAndSkipsUnknownFilters) {
  GridOptions options;
  options.order = {7, 2, 99, 0, -1};
  options.sort_by_mean = true;  // the order wins
  auto grid = compose_grid(ramp_maps(10, 7), options);
  EXPECT_EQ(grid.filters, (std::vector<int>{7, 2, 0}));
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

}  // namespace
}  // namespace actscope
