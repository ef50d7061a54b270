// One image's maps of one layer drawn as the exported PNG and the window's
// grid are: normalized as asked, colored, captioned with model, image and layer.
#include "core/maps/layer_view.h"

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
  EXPECT_EQ(view.value().grid.image.width, grid.image.width);
  EXPECT_TRUE(view.value().grid.image.pixels == grid.image.pixels);
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
  EXPECT_TRUE(view.value().grid.image.pixels == grid.image.pixels);
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
