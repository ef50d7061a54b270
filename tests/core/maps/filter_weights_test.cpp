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

}  // namespace
}  // namespace actscope
