// One image's maps of one layer drawn as the exported PNG and the window's
// grid are: normalized as asked, colored, captioned with model, image and layer.
#include "core/maps/layer_view.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "tests/support/bundled_model_fixture.h"

namespace actscope {
namespace {

class LayerViewTest : public test::BundledModelFixture {};

TEST_F(LayerViewTest, MapsAreNormalizedColoredAndCaptionedAsTheGridOfTheLayer) {
  const LayerActivation relu5 = capture_sample("03735_coat.png", "relu5");
  auto view = render_layer(*model_, relu5, 0, "/some/folder/03735_coat.png", ViewOptions{});
  ASSERT_TRUE(view.ok()) << view.error();
  EXPECT_EQ(view.value().raw, relu5.values.data());
  EXPECT_EQ(view.value().maps.count, 128);
  // The same picture composed by hand from the documented caption.
  GridOptions expected;
  expected.colormap = Colormap::kViridis;
  expected.caption = {model_->card().name + "  |  03735_coat.png",
                      "relu5 (ReLU)  1x128x7x7  |  filter, viridis"};
  const Grid grid =
      compose_grid(normalize_maps(relu5.values.data(), 128, 7, 7, Normalization::kFilter), expected);
  EXPECT_EQ(view.value().grid.filters, grid.filters);
  // The grid, and under it the bar of the filter normalization's 0..1 scale.
  const RgbImage with_bar = with_colorbar(grid.image, {Colormap::kViridis, 0.0, 1.0, view.value().scale.title});
  EXPECT_EQ(view.value().grid.image.width, grid.image.width);
  EXPECT_EQ(view.value().grid.image.height, with_bar.height);
  EXPECT_TRUE(view.value().grid.image.pixels == with_bar.pixels);
}

TEST_F(LayerViewTest, LayerNormalizationsBarSpansTheLayersRawRange) {
  const LayerActivation bn5 = capture_sample("03735_coat.png", "bn5");
  ViewOptions options;
  options.normalization = Normalization::kLayer;
  auto view = render_layer(*model_, bn5, 0, "03735_coat.png", options);
  ASSERT_TRUE(view.ok()) << view.error();
  const float* values = bn5.values.data();
  const auto [low, high] = std::minmax_element(values, values + bn5.values.size());
  EXPECT_FLOAT_EQ(static_cast<float>(view.value().scale.low), *low);
  EXPECT_FLOAT_EQ(static_cast<float>(view.value().scale.high), *high);
  EXPECT_EQ(view.value().scale.title, "the layer's values");
}

TEST_F(LayerViewTest, OneFiltersScaleIsItsOwnRawRangeUnderFilterNormalization) {
  const LayerActivation bn5 = capture_sample("03735_coat.png", "bn5");
  const float* filter3 = bn5.values.data() + 3 * 49;
  const auto [low, high] = std::minmax_element(filter3, filter3 + 49);
  auto view = render_layer(*model_, bn5, 0, "03735_coat.png", ViewOptions{});
  ASSERT_TRUE(view.ok()) << view.error();
  const ColorScale own = filter_scale(view.value().maps, 3, ViewOptions{});
  EXPECT_FLOAT_EQ(static_cast<float>(own.low), *low);
  EXPECT_FLOAT_EQ(static_cast<float>(own.high), *high);
  EXPECT_EQ(own.title, "filter 3's values");
  ViewOptions signed_options;
  signed_options.normalization = Normalization::kSigned;
  const ColorScale symmetric = filter_scale(view.value().maps, 3, signed_options);
  EXPECT_FLOAT_EQ(static_cast<float>(symmetric.high), std::max(std::abs(*low), std::abs(*high)));
  EXPECT_DOUBLE_EQ(symmetric.low, -symmetric.high);
  ViewOptions layer_options;
  layer_options.normalization = Normalization::kLayer;
  EXPECT_EQ(filter_scale(view.value().maps, 3, layer_options).title, "the layer's values");
}

// Regression: a filter whose maximum was 8.6e-12 was stretched to full brightness.
TEST_F(LayerViewTest, ANearDeadFilterIsDrawnDarkNotStretched) {
  std::vector<float> maps = {0.0f, 8.6e-12f, 0.0f, 4.0e-12f,  // filter 0: tiny
                             0.0f, 1.0f, 2.0f, 3.0f};         // filter 1: the layer's scale
  const NormalizedMaps normalized = normalize_maps(maps.data(), 2, 2, 2, Normalization::kFilter);
  EXPECT_TRUE(normalized.stats[0].near_dead);
  EXPECT_FALSE(normalized.stats[1].near_dead);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(normalized.map(0)[i], 0.0f) << i;
  EXPECT_FLOAT_EQ(normalized.map(1)[3], 1.0f);
  const NormalizedMaps alone = normalize_maps(maps.data(), 1, 2, 2, Normalization::kFilter);
  EXPECT_FALSE(alone.stats[0].near_dead) << "alone, a small filter is the layer's own scale";
}

TEST_F(LayerViewTest, SignedNormalizationDefaultsToTheDivergingColormap) {
  const LayerActivation bn5 = capture_sample("03735_coat.png", "bn5");
  ViewOptions options;
  options.normalization = Normalization::kSigned;
  auto view = render_layer(*model_, bn5, 0, "03735_coat.png", options);
  ASSERT_TRUE(view.ok()) << view.error();
  GridOptions expected;
  expected.colormap = Colormap::kCoolwarm;
  expected.caption = {model_->card().name + "  |  03735_coat.png",
                      "bn5 (BatchNorm2d)  1x128x7x7  |  signed, coolwarm"};
  const Grid grid =
      compose_grid(normalize_maps(bn5.values.data(), 128, 7, 7, Normalization::kSigned), expected);
  const RgbImage with_bar = with_colorbar(grid.image, {Colormap::kCoolwarm, -1.0, 1.0, view.value().scale.title});
  EXPECT_TRUE(view.value().grid.image.pixels == with_bar.pixels);
}

TEST_F(LayerViewTest, VectorsAreMapsOfOnePixelAndOtherShapesAreRefused) {
  const LayerActivation flat = capture_sample("03735_coat.png", ":flatten");
  const auto maps = layer_maps(flat.values, 0);
  ASSERT_TRUE(maps);
  EXPECT_EQ(maps->count, 128);
  EXPECT_EQ(maps->height * maps->width, 1);
  EXPECT_EQ(maps->npy_shape, (std::vector<int64_t>{128}));
  EXPECT_FALSE(layer_maps(flat.values, 1));  // one image only

  const LayerActivation odd{"odd", FloatArray({1, 2, 3}, std::vector<float>(6, 1.0f))};
  auto refused = render_layer(*model_, odd, 0, "x.png", ViewOptions{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("'odd' has output 1x2x3"), std::string::npos) << refused.error();
}

}  // namespace
}  // namespace actscope
