#include "core/maps/normalization.h"

#include <cmath>

#include <gtest/gtest.h>

namespace actscope {
namespace {

TEST(NormalizationTest, FilterScalesEachMapToZeroOne) {
  const float data[] = {0, 1, 2, 3, /* second map */ 10, 10, 20, 30};
  auto maps = normalize_maps(data, 2, 2, 2, Normalization::kFilter);
  const float expected[] = {0, 1 / 3.0f, 2 / 3.0f, 1, 0, 0, 0.5f, 1};
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(maps.values[i], expected[i], 1e-6) << i;
  EXPECT_FLOAT_EQ(maps.stats[1].mean, 17.5f);
}

// Per-filter normalization must not make a dead filter look alive.
TEST(NormalizationTest, DeadAndConstantFiltersBecomeBlackNeverNan) {
  const float data[] = {0, 0, 0, 0, /* constant */ 7, 7, 7, 7, /* nearly */ 1e6f, 1e6f, 1e6f, 1e6f};
  auto maps = normalize_maps(data, 3, 2, 2, Normalization::kFilter);
  for (float v : maps.values) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(maps.stats[0].max, 0.0f);
  EXPECT_EQ(maps.stats[0].zero_fraction, 1.0f);
  EXPECT_EQ(maps.stats[1].min, 7.0f);
  EXPECT_EQ(maps.stats[1].zero_fraction, 0.0f);
}

TEST(NormalizationTest, LayerUsesOneRangeSoWeakFiltersLookWeak) {
  const float data[] = {0, 1, /* strong */ 0, 4};
  auto maps = normalize_maps(data, 2, 1, 2, Normalization::kLayer);
  EXPECT_FLOAT_EQ(maps.values[1], 0.25f);
  EXPECT_FLOAT_EQ(maps.values[3], 1.0f);
}

TEST(NormalizationTest, SignedPutsZeroInTheMiddle) {
  const float data[] = {-2, 0, 1, 2, /* all zero */ 0, 0, 0, 0};
  auto maps = normalize_maps(data, 2, 2, 2, Normalization::kSigned);
  EXPECT_FLOAT_EQ(maps.values[0], 0.0f);
  EXPECT_FLOAT_EQ(maps.values[1], 0.5f);
  EXPECT_FLOAT_EQ(maps.values[2], 0.75f);
  EXPECT_FLOAT_EQ(maps.values[3], 1.0f);
  for (int i = 4; i < 8; ++i) EXPECT_FLOAT_EQ(maps.values[i], 0.5f);
}

TEST(NormalizationTest, NonFiniteValuesAreCountedAndDrawnAsZero) {
  const float data[] = {1, NAN, INFINITY, 3};
  auto maps = normalize_maps(data, 1, 2, 2, Normalization::kFilter);
  EXPECT_EQ(maps.non_finite, 2);
  EXPECT_EQ(maps.stats[0].min, 1.0f);
  EXPECT_EQ(maps.stats[0].max, 3.0f);
  EXPECT_EQ(maps.values[0], 0.0f);
  EXPECT_EQ(maps.values[1], 0.0f);
  EXPECT_EQ(maps.values[2], 0.0f);
  EXPECT_EQ(maps.values[3], 1.0f);
  for (float v : maps.values) EXPECT_FALSE(std::isnan(v));
}

TEST(NormalizationTest, NamesRoundTrip) {
  for (auto mode : {Normalization::kFilter, Normalization::kLayer, Normalization::kSigned}) {
    EXPECT_EQ(parse_normalization(to_string(mode)).value(), mode);
  }
  EXPECT_NE(parse_normalization("minmax").error().find("filter, layer or signed"), std::string::npos);
}

}  // namespace
}  // namespace actscope
