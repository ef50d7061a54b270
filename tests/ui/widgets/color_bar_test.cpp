// The colour bar widget: the numbers it draws and the colours of its gradient.
#include "ui/widgets/color_bar.h"

#include <gtest/gtest.h>
#include <QImage>

namespace actscope {
namespace {

TEST(ColorBarTest, ShowsTheScalesEndsAndRoundValuesBetween) {
  ColorBar bar;
  EXPECT_FALSE(bar.has_scale());
  EXPECT_TRUE(bar.numbers().isEmpty());
  bar.set_scale({Colormap::kViridis, -0.5, 3.9, "conv1: layer values"});
  const QStringList numbers = bar.numbers();
  ASSERT_GE(numbers.size(), 3);
  EXPECT_EQ(numbers.front(), QStringLiteral("-0.5"));
  EXPECT_EQ(numbers.back(), QStringLiteral("3.9"));
  EXPECT_TRUE(numbers.contains(QStringLiteral("2")));
  EXPECT_EQ(bar.title(), QStringLiteral("conv1: layer values"));
  EXPECT_TRUE(bar.toolTip().contains(QStringLiteral("-0.5")));
  bar.clear();
  EXPECT_FALSE(bar.has_scale());
  EXPECT_TRUE(bar.toolTip().isEmpty());
}

TEST(ColorBarTest, GradientIsDrawnWithTheColormapsEndColours) {
  ColorBar bar;
  bar.set_scale({Colormap::kJet, 0.0, 1.0, "CAM"});
  bar.resize(300, bar.sizeHint().height());
  const QImage picture = bar.grab().toImage();
  const int row = bar.fontMetrics().height() + 2 + 5;  // inside the gradient
  const auto first = colormap_rgb(Colormap::kJet, 0);
  const auto last = colormap_rgb(Colormap::kJet, 255);
  const QColor left = picture.pixelColor(6, row);
  const QColor right = picture.pixelColor(300 - 7, row);
  EXPECT_NEAR(left.red(), first[0], 20);
  EXPECT_NEAR(left.blue(), first[2], 20);
  EXPECT_NEAR(right.red(), last[0], 20);
  EXPECT_NEAR(right.blue(), last[2], 20);
}

}  // namespace
}  // namespace actscope
