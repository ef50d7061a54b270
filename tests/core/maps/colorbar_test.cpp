#include "core/maps/colorbar.h"

#include <cmath>

#include <gtest/gtest.h>

namespace actscope {
namespace {

std::array<uint8_t, 3> pixel(const RgbImage& image, int x, int y) {
  const size_t at = (static_cast<size_t>(y) * image.width + x) * 3;
  return {image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
}

TEST(ColorScaleValueTest, SmallMagnitudesKeepTheirExponentSoANearZeroMaximumIsNotReadAsStrong) {
  EXPECT_EQ(format_scale_value(8.6e-12), "8.6e-12");
  EXPECT_EQ(format_scale_value(0.341), "0.341");
  EXPECT_EQ(format_scale_value(-12.5), "-12.5");
  EXPECT_EQ(format_scale_value(0.0), "0");
  EXPECT_EQ(format_scale_value(250000.0), "2.5e+05");
}

TEST(ColorScaleTicksTest, EndsAreTheExactRangeAndInnerValuesAreRoundAndInside) {
  const auto ticks = scale_ticks(-1.37, 4.21);
  ASSERT_GE(ticks.size(), 3u);
  EXPECT_DOUBLE_EQ(ticks.front(), -1.37);
  EXPECT_DOUBLE_EQ(ticks.back(), 4.21);
  for (size_t i = 1; i + 1 < ticks.size(); ++i) {
    EXPECT_GT(ticks[i], ticks[i - 1]);
    EXPECT_NEAR(ticks[i] / 2.0, std::round(ticks[i] / 2.0), 1e-9) << ticks[i];  // step 2 for this range
  }
  EXPECT_EQ(scale_ticks(3.0, 3.0).size(), 1u);
}

TEST(ColorbarTest, GradientRunsFromTheColormapsFirstToItsLastColour) {
  const RgbImage bar = render_colorbar({Colormap::kViridis, 0.0, 1.0, "each filter"}, 300);
  ASSERT_EQ(bar.width, 300);
  ASSERT_GT(bar.height, 30);
  ASSERT_EQ(bar.pixels.size(), static_cast<size_t>(bar.width) * bar.height * 3);
  // The gradient's row (see render_colorbar's layout: below the title line).
  const int row = 26;
  EXPECT_EQ(pixel(bar, 8, row), colormap_rgb(Colormap::kViridis, 0));
  EXPECT_EQ(pixel(bar, 300 - 9, row), colormap_rgb(Colormap::kViridis, 255));
}

TEST(ColorbarTest, PictureKeepsItsPixelsAndGainsTheBarUnderneath) {
  RgbImage picture{250, 20, std::vector<uint8_t>(250 * 20 * 3, 0)};
  picture.pixels[(5 * 250 + 7) * 3] = 200;
  const RgbImage joined = with_colorbar(picture, {Colormap::kJet, -2.0, 5.0, "layer"});
  EXPECT_EQ(joined.width, 250);
  EXPECT_EQ(joined.height, 20 + render_colorbar({}, 250).height);
  EXPECT_EQ(pixel(joined, 7, 5)[0], 200);
  EXPECT_EQ(pixel(joined, 8 + 1, 20 + 26), colormap_rgb(Colormap::kJet, 1));
}

TEST(ColorbarTest, NarrowPictureIsCentredOnABarWideEnoughForItsNumbers) {
  RgbImage picture{28, 28, std::vector<uint8_t>(28 * 28 * 3, 255)};
  const RgbImage joined = with_colorbar(picture, {Colormap::kGray, 0.0, 1.0, ""});
  EXPECT_EQ(joined.width, 240);
  EXPECT_EQ(pixel(joined, (240 - 28) / 2, 0)[0], 255);
  EXPECT_EQ(pixel(joined, 0, 0)[0], 40);  // background beside it
}

TEST(FigureTest, LongCaptionIsNeverCutAtTheRightEdge) {
  RgbImage picture{20, 20, std::vector<uint8_t>(20 * 20 * 3, 128)};
  const std::string line = "rows 12..25, columns 2..15; 100.0% of the gradient inside the box, every word";
  const RgbImage figure = make_figure(picture, {line}, ColorScale{}, 224);
  // The last 4 columns of the caption rows stay background: the text ends before them.
  for (int y = 0; y < 22; ++y) {
    for (int x = figure.width - 4; x < figure.width; ++x) {
      const auto colour = pixel(figure, x, y);
      EXPECT_EQ(colour[0], 40) << x << "," << y;
    }
  }
}

}  // namespace
}  // namespace actscope
