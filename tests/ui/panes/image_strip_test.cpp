// The image strip alone: one thin row, each open image captioned (on hover)
// with its file name, prediction and truth, misclassified ones framed in
// red, and the image the user chooses reported (and only that).
#include "ui/panes/image_strip.h"

#include <gtest/gtest.h>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"

namespace actscope {
namespace {

LoadedImage loaded(const std::string& name, std::vector<ClassScore> top, int true_class) {
  LoadedImage image;
  image.input.name = name;
  image.input.display = test::gray_image(28, 28, 120);
  image.top = std::move(top);
  image.true_class = true_class;
  return image;
}

class ImageStripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    strip_.show_images(card_, {loaded("/data/shoes/boot.png", {{1, 0.5f}}, 1),
                               loaded("t10k[3]", {{0, 0.875f}}, -1), loaded("coat.png", {{1, 0.9f}}, 0)});
  }

  QString caption(int row) const { return strip_.item(row)->data(ImageStrip::kCaptionRole).toString(); }
  // The colour of the thumbnail's corner pixel: the red frame or the dark canvas.
  QColor corner(int row) const {
    return strip_.item(row)->icon().pixmap(strip_.iconSize()).toImage().pixelColor(1, 1);
  }
  static bool red(const QColor& color) { return color.red() > 180 && color.green() < 80 && color.blue() < 80; }

  const ModelCard card_ = test::labelled_card({"cat", "dog"});
  ImageStrip strip_;
};

TEST_F(ImageStripTest, CaptionsNameTheFileThePredictionAndWhetherItIsRight) {
  ASSERT_EQ(strip_.count(), 3);
  EXPECT_EQ(caption(0), QStringLiteral("boot.png\ndog (50.0%)\ncorrect"));
  EXPECT_EQ(strip_.item(0)->toolTip(), QStringLiteral("boot.png\ndog (50.0%)\ncorrect\n/data/shoes/boot.png"));
  EXPECT_EQ(strip_.item(0)->data(ImageStrip::kClassRole).toInt(), 1);
  EXPECT_FALSE(strip_.item(0)->icon().isNull());
  EXPECT_EQ(caption(1), QStringLiteral("t10k[3]\ncat (87.5%)"));
  EXPECT_EQ(strip_.item(1)->data(ImageStrip::kClassRole).toInt(), 0);
}

TEST_F(ImageStripTest, MisclassifiedImagesAreFramedInRedAndNameTheTrueClass) {
  EXPECT_EQ(caption(2), QStringLiteral("coat.png\ndog (90.0%)\ntrue: cat"));
  EXPECT_TRUE(strip_.item(2)->data(ImageStrip::kMisclassifiedRole).toBool());
  EXPECT_TRUE(red(corner(2)));
  EXPECT_FALSE(red(corner(0)));
  EXPECT_FALSE(red(corner(1)));
}

TEST_F(ImageStripTest, IsOneThinRow) {
  EXPECT_LE(strip_.height(), 80);
  EXPECT_LE(strip_.iconSize().height(), 48);
  strip_.resize(600, strip_.height());
  strip_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&strip_));
  const QRect first = strip_.visualItemRect(strip_.item(0));
  const QRect last = strip_.visualItemRect(strip_.item(2));
  EXPECT_EQ(first.top(), last.top());  // side by side, not wrapped
  EXPECT_TRUE(strip_.viewport()->rect().contains(first));
}

TEST_F(ImageStripTest, AnImageNotYetPredictedShowsItsNameOnly) {
  strip_.add_image(card_, loaded("/x/new.png", {}, -1));
  ASSERT_EQ(strip_.count(), 4);
  EXPECT_EQ(caption(3), QStringLiteral("new.png"));
  EXPECT_EQ(strip_.item(3)->data(ImageStrip::kClassRole).toInt(), -1);
}

TEST_F(ImageStripTest, ClickingAnImageEmitsImageChosen) {
  strip_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&strip_));
  QSignalSpy chosen(&strip_, &ImageStrip::imageChosen);
  test::click_row(&strip_, 1);
  ASSERT_EQ(chosen.size(), 1);
  EXPECT_EQ(chosen.takeFirst().at(0).toInt(), 1);
}

TEST_F(ImageStripTest, ImagesShownAddedOrMarkedCurrentByTheProgramEmitNothing) {
  QSignalSpy chosen(&strip_, &ImageStrip::imageChosen);
  strip_.set_current(2);
  EXPECT_EQ(strip_.currentRow(), 2);
  strip_.add_image(card_, loaded("more.png", {{0, 1.0f}}, -1));
  strip_.show_images(card_, {loaded("only.png", {{0, 1.0f}}, -1)});
  EXPECT_EQ(strip_.count(), 1);
  EXPECT_EQ(strip_.currentRow(), -1);  // none is current
  EXPECT_EQ(chosen.size(), 0);
}

TEST_F(ImageStripTest, AnUpdatedImageKeepsNothingOfItsOldCaption) {
  strip_.update_image(2, card_, loaded("coat.png", {{0, 0.6f}}, 0));
  EXPECT_EQ(caption(2), QStringLiteral("coat.png\ncat (60.0%)\ncorrect"));
  EXPECT_FALSE(red(corner(2)));
  EXPECT_EQ(strip_.item(2)->data(ImageStrip::kClassRole).toInt(), 0);
  strip_.update_image(7, card_, loaded("nowhere.png", {}, -1));  // no such row: nothing happens
  EXPECT_EQ(strip_.count(), 3);
}

}  // namespace
}  // namespace actscope
