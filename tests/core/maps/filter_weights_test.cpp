#include "core/maps/filter_weights.h"

#include <gtest/gtest.h>

#include "tests/support/image_checks.h"

namespace actscope {
namespace {

using test::pixel;
using test::tile_centre;

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

// The hover read-out: the point's tile and kernel cell found from the grid's
// layout (tile origins computed here from gap, caption and tile size), and
// the value said as the tile draws it.
TEST(FilterWeightsTest, ThePointUnderTheMouseNamesItsFilterKernelCellAndValue) {
  // 3 filters over 2 inputs, 2x2 kernels: w[f][c][y][x] = f + c * 0.5 + y * 0.1 + x * 0.01.
  std::vector<float> values;
  for (int f = 0; f < 3; ++f)
    for (int c = 0; c < 2; ++c)
      for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) values.push_back(f + c * 0.5f + y * 0.1f + x * 0.01f);
  const FloatArray weights({3, 2, 2, 2}, values);
  WeightGridOptions options;
  options.grid.caption = {"caption"};
  const Grid grid = compose_weight_grid(weights, options).value();
  // Filter 2's tile, kernel row 1, column 0: the lower-left quarter of its tile.
  const int tile = 2;
  const int left = grid.gap + (tile % grid.columns) * (grid.tile_width + grid.gap);
  const int top = grid.caption_height + grid.gap + (tile / grid.columns) * (grid.tile_height + grid.gap);
  const int x = left + grid.tile_width / 4;
  const int y = top + 3 * grid.tile_height / 4;
  const WeightAt at = weight_at(weights, grid, -1, x, y);
  EXPECT_EQ(at.filter, 2);
  EXPECT_EQ(at.row, 1);
  EXPECT_EQ(at.column, 0);
  // The mean of inputs 0 and 1 at that cell: 2 + 0.25 + 0.1 = 2.35.
  EXPECT_NE(at.text.find("filter 2  row 1, column 0: mean of 2 inputs = 2.35"), std::string::npos) << at.text;
  // The gap between tiles and the caption are no tile.
  EXPECT_EQ(weight_at(weights, grid, -1, left - 1, y).filter, -1);
  EXPECT_EQ(weight_at(weights, grid, -1, x, 2).filter, -1);

  // Expanded (filter 1's input kernels): input 1's tile, row 0, column 1 = 1 + 0.5 + 0.01.
  options.expand_filter = 1;
  const Grid kernels = compose_weight_grid(weights, options).value();
  const int k_left = kernels.gap + (1 % kernels.columns) * (kernels.tile_width + kernels.gap);
  const int k_top = kernels.caption_height + kernels.gap + (1 / kernels.columns) * (kernels.tile_height + kernels.gap);
  const WeightAt kernel = weight_at(weights, kernels, 1, k_left + 3 * kernels.tile_width / 4, k_top + 1);
  EXPECT_EQ(kernel.filter, 1);
  EXPECT_NE(kernel.text.find("filter 1, input 1  row 0, column 1 = 1.51"), std::string::npos) << kernel.text;
}

}  // namespace
}  // namespace actscope
