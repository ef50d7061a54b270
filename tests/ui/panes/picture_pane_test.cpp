// The picture pane alone (the Weights and Enlarged filter tabs): its first
// message, a picture with its tooltip, and a message in its place.
#include "ui/panes/picture_pane.h"

#include <gtest/gtest.h>
#include <QLabel>
#include <QPixmap>
#include <QToolButton>

#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"

namespace actscope {
namespace {

class PicturePaneTest : public ::testing::Test {
 protected:
  QLabel* picture() const { return test::named<QLabel>(pane_, "weightsView"); }

  PicturePane pane_{QStringLiteral("weightsView"), QStringLiteral("Open a model to see its weights.")};
};

TEST_F(PicturePaneTest, TheFirstMessageIsShownUntilAPictureWithItsTooltip) {
  EXPECT_EQ(picture()->text(), QStringLiteral("Open a model to see its weights."));
  QPixmap weights(40, 30);
  weights.fill(Qt::red);
  pane_.show_picture(weights, QStringLiteral("conv1 filter 3"));
  EXPECT_EQ(picture()->pixmap().size(), QSize(40, 30));
  EXPECT_EQ(picture()->text(), QString());
  EXPECT_EQ(picture()->toolTip(), QStringLiteral("conv1 filter 3"));
  EXPECT_GE(picture()->width(), 40);
}

// A regression: a message kept the tooltip of the picture it replaced.
TEST_F(PicturePaneTest, AMessageReplacesThePictureAndItsTooltip) {
  QPixmap weights(40, 30);
  weights.fill(Qt::blue);
  pane_.show_picture(weights, QStringLiteral("conv1 filter 3"));
  pane_.show_message(QStringLiteral("fc is not a Conv2d layer: no filter weights."));
  EXPECT_TRUE(picture()->pixmap().isNull());
  EXPECT_EQ(picture()->text(), QStringLiteral("fc is not a Conv2d layer: no filter weights."));
  EXPECT_EQ(picture()->toolTip(), QString());
}

TEST_F(PicturePaneTest, FitEnlargesThePictureToThePaneAndOneToOneRestoresIt) {
  pane_.resize(400, 300);
  pane_.show();
  QPixmap weights(40, 30);
  weights.fill(Qt::green);
  pane_.show_picture(weights);
  test::named<QToolButton>(pane_, "weightsViewFit")->click();
  EXPECT_TRUE(pane_.fits());
  const QSize fitted = picture()->pixmap().size();
  EXPECT_GT(fitted.width(), 200);  // enlarged to the pane, aspect kept
  EXPECT_NEAR(fitted.width() * 30.0 / 40.0, fitted.height(), 1.0);
  EXPECT_LE(fitted.height(), 300);
  test::named<QToolButton>(pane_, "weightsViewActual")->click();
  EXPECT_FALSE(pane_.fits());
  EXPECT_EQ(picture()->pixmap().size(), QSize(40, 30));
}

}  // namespace
}  // namespace actscope
