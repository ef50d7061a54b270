// The Grad-CAM pane alone: the class choices of a card, an image's
// predictions, the requests it emits when the user chooses, and the result,
// progress and errors it is handed.
#include "ui/panes/cam_pane.h"

#include <cmath>

#include <gtest/gtest.h>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/picture_pane.h"
#include "ui/widgets/color_bar.h"

namespace actscope {
namespace {

class CamPaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pane_.set_card(test::labelled_card({"cat", "dog", "bird"}));
    pane_.set_image(test::gray_image(28, 28, 90), {{1, 0.75f}, {0, 0.25f}});
    pane_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane_));
  }

  // A 4x4 map on `layer` for `target_class`.
  static CamResult result(const std::string& layer, int target_class) {
    CamResult result;
    result.method = CamMethod::kGradCam;
    result.classes = {target_class};
    result.layers.push_back(CamLayerMap{layer, {}, {}});
    std::vector<float> map(16);
    for (size_t i = 0; i < map.size(); ++i) map[i] = static_cast<float>(i) / 15.0f;
    result.map = FloatArray({1, 4, 4}, std::move(map));
    return result;
  }

  bool has_picture(const char* name) const { return !test::named<QLabel>(pane_, name)->pixmap().isNull(); }
  QString caption() const { return test::named<QLabel>(pane_, "camCaption")->text(); }

  CamPane pane_;
};

TEST_F(CamPaneTest, TheCardsLabelsAreTheClassChoicesAfterThePredictedClass) {
  auto* classes = test::named<QComboBox>(pane_, "camClass");
  ASSERT_EQ(classes->count(), 4);
  EXPECT_EQ(classes->itemData(0).toInt(), -1);
  EXPECT_EQ(classes->itemText(2), QStringLiteral("1 dog"));
  EXPECT_EQ(classes->itemData(3).toInt(), 2);
}

TEST_F(CamPaneTest, PredictionsAreListedWithLabelAndPercentBesideTheInput) {
  auto* predictions = test::named<QListWidget>(pane_, "predictions");
  ASSERT_EQ(predictions->count(), 2);
  EXPECT_EQ(predictions->item(0)->text(), QStringLiteral("dog  75.0%"));
  EXPECT_EQ(predictions->item(1)->text(), QStringLiteral("cat  25.0%"));
  EXPECT_TRUE(has_picture("camInput"));
  EXPECT_FALSE(has_picture("camOverlay"));
}

TEST_F(CamPaneTest, ClickingAPredictionAsksForThatClasssCam) {
  QSignalSpy requested(&pane_, &CamPane::requestChanged);
  test::click_row(test::named<QListWidget>(pane_, "predictions"), 1);
  ASSERT_EQ(requested.size(), 1);
  EXPECT_EQ(requested.front().at(0).value<CamMethod>(), CamMethod::kGradCam);
  EXPECT_EQ(requested.front().at(1).toInt(), 0);
  EXPECT_EQ(test::named<QComboBox>(pane_, "camClass")->currentText(), QStringLiteral("0 cat"));
}

TEST_F(CamPaneTest, ChoosingAnotherMethodAsksAgainForThePredictedClass) {
  QSignalSpy requested(&pane_, &CamPane::requestChanged);
  auto* methods = test::named<QComboBox>(pane_, "camMethod");
  ASSERT_EQ(methods->count(), static_cast<int>(all_cam_methods().size()));
  methods->setCurrentText(QString::fromStdString(to_string(CamMethod::kScoreCam)));
  ASSERT_EQ(requested.size(), 1);
  EXPECT_EQ(requested.front().at(0).value<CamMethod>(), CamMethod::kScoreCam);
  EXPECT_EQ(requested.front().at(1).toInt(), -1);
}

TEST_F(CamPaneTest, ResultDrawsHeatmapAndMaskAndItsCaptionNamesLayerAndClass) {
  pane_.show_result(result("conv2", 1), test::gray_image(28, 28, 90));
  EXPECT_TRUE(has_picture("camOverlay"));
  EXPECT_TRUE(has_picture("camMasked"));
  EXPECT_EQ(caption(), QStringLiteral("gradcam on conv2: dog (class 1), predicted"));
  pane_.set_target_class(2);
  CamResult scored = result("conv1", 2);
  scored.logits = FloatArray({1, 3}, std::vector<float>{0.0f, 0.0f, std::log(2.0f)});  // softmax: 25%, 25%, 50%
  pane_.show_result(scored, test::gray_image(28, 28, 90));
  EXPECT_EQ(caption(), QStringLiteral("gradcam on conv1: bird (class 2), score 50.0%, chosen"));
}

// A cropped photo (a card's resize): the input, heatmap and field box are
// shown where the crop lies in the whole photo, the rest dimmed.
TEST_F(CamPaneTest, ACroppedInputIsShownInThePhotoItWasCutFrom) {
  pane_.set_context(test::gray_image(56, 40, 200), 14, 6);
  pane_.show_result(result("conv2", 1), test::gray_image(28, 28, 90));
  for (const char* name : {"camInput", "camOverlay"}) {
    const QPixmap shown = test::named<QLabel>(pane_, name)->pixmap();
    ASSERT_FALSE(shown.isNull()) << name;
    EXPECT_NEAR(static_cast<double>(shown.width()) / shown.height(), 56.0 / 40.0, 0.05) << name << ": the photo's shape";
  }
  // The input picture: the crop's gray 90 inside, the photo's 200 dimmed to 80 outside.
  const QImage input = test::named<QLabel>(pane_, "camInput")->pixmap().toImage();
  const double scale = input.width() / 56.0;
  EXPECT_EQ(qGray(input.pixel(static_cast<int>(28 * scale), static_cast<int>(20 * scale))), 90);
  EXPECT_EQ(qGray(input.pixel(static_cast<int>(3 * scale), static_cast<int>(3 * scale))), 80);
  pane_.set_image(test::gray_image(28, 28, 90), {{1, 0.75f}});  // another image: no photo until told
  EXPECT_NEAR(static_cast<double>(test::named<QLabel>(pane_, "camInput")->pixmap().width()) /
                  test::named<QLabel>(pane_, "camInput")->pixmap().height(),
              1.0, 0.05);
}

// Regression: "class 720 (class 720)" when the card has no labels.
TEST_F(CamPaneTest, AClassWithoutALabelIsNamedOnce) {
  pane_.set_card(test::labelled_card({}));
  pane_.show_result(result("conv1", 720), test::gray_image(28, 28, 90));
  EXPECT_EQ(caption(), QStringLiteral("gradcam on conv1: class 720, predicted"));
}

TEST_F(CamPaneTest, TheOpacitySliderRedrawsTheHeatmapWithoutAskingAgain) {
  pane_.show_result(result("conv2", 1), test::gray_image(28, 28, 90));
  const QImage before = test::named<QLabel>(pane_, "camOverlay")->pixmap().toImage();
  QSignalSpy requested(&pane_, &CamPane::requestChanged);
  test::named<QSlider>(pane_, "camOpacity")->setValue(90);
  const QImage after = test::named<QLabel>(pane_, "camOverlay")->pixmap().toImage();
  EXPECT_NE(before, after);
  EXPECT_FLOAT_EQ(pane_.image_weight(), 0.1f);
  EXPECT_TRUE(requested.isEmpty());
}

TEST_F(CamPaneTest, TheColourBarShowsTheCamsRangeAfterTheRelu) {
  CamResult scored = result("conv2", 1);
  scored.layers.front().raw = FloatArray({1, 2, 2}, std::vector<float>{-1.0f, 0.5f, 2.0f, 3.5f});
  pane_.show_result(scored, test::gray_image(28, 28, 90));
  const QStringList numbers = test::named<ColorBar>(pane_, "camScale")->numbers();
  ASSERT_GE(numbers.size(), 2);
  EXPECT_EQ(numbers.front(), QStringLiteral("0"));
  EXPECT_EQ(numbers.back(), QStringLiteral("3.5"));
  EXPECT_TRUE(test::named<ColorBar>(pane_, "camScale")->title().contains(QStringLiteral("conv2")));
  pane_.show_error(QStringLiteral("failed"));
  EXPECT_FALSE(test::named<ColorBar>(pane_, "camScale")->has_scale());
}

TEST_F(CamPaneTest, SlowMethodShowsProgressAndCancelAsksToStop) {
  auto* progress = test::named<QProgressBar>(pane_, "camProgress");
  auto* cancel = test::named<QPushButton>(pane_, "camCancel");
  EXPECT_FALSE(progress->isVisible());
  pane_.show_running(true);
  EXPECT_TRUE(progress->isVisible() && cancel->isVisible());
  EXPECT_TRUE(caption().startsWith(QStringLiteral("computing"))) << caption().toStdString();
  pane_.show_progress(3, 10);
  EXPECT_EQ(progress->maximum(), 10);
  EXPECT_EQ(progress->value(), 3);
  QSignalSpy cancelled(&pane_, &CamPane::cancelRequested);
  QTest::mouseClick(cancel, Qt::LeftButton);
  EXPECT_EQ(cancelled.size(), 1);
  pane_.show_running(false);
  EXPECT_FALSE(progress->isVisible() || cancel->isVisible());
}

TEST_F(CamPaneTest, ErrorReplacesTheLastResultAndHidesTheProgress) {
  pane_.show_result(result("conv2", 1), test::gray_image(28, 28, 90));
  pane_.show_running(true);
  pane_.show_error(QStringLiteral("layer conv2 has no gradient"));
  EXPECT_EQ(caption(), QStringLiteral("layer conv2 has no gradient"));
  EXPECT_FALSE(has_picture("camOverlay"));
  EXPECT_FALSE(has_picture("camMasked"));
  EXPECT_TRUE(has_picture("camInput"));
  EXPECT_FALSE(test::named<QProgressBar>(pane_, "camProgress")->isVisible());
}

TEST_F(CamPaneTest, ANewCardClearsPicturesPredictionsCaptionAndPinSilently) {
  pane_.show_result(result("conv2", 1), test::gray_image(28, 28, 90));
  auto* pin = test::named<QCheckBox>(pane_, "camPinLayer");
  QSignalSpy pinned(&pane_, &CamPane::pinToggled);
  QTest::mouseClick(pin, Qt::LeftButton, {}, QPoint(8, pin->height() / 2));  // on its box
  ASSERT_EQ(pinned.size(), 1);
  pane_.set_card(test::labelled_card({"left", "right"}));
  EXPECT_FALSE(pin->isChecked());
  EXPECT_EQ(pinned.size(), 1);
  for (const char* picture : {"camInput", "camOverlay", "camMasked"})
    EXPECT_FALSE(has_picture(picture)) << picture;
  EXPECT_EQ(test::named<QListWidget>(pane_, "predictions")->count(), 0);
  EXPECT_EQ(caption(), QString());
  EXPECT_EQ(test::named<QComboBox>(pane_, "camClass")->itemText(1), QStringLiteral("0 left"));
}

TEST_F(CamPaneTest, DoubleClickingTheHeatmapShowsItLargeFittedOrAtOneToOne) {
  pane_.show_result(result("conv2", 1), test::gray_image(28, 28, 90));
  QTest::mouseDClick(test::named<QLabel>(pane_, "camOverlay"), Qt::LeftButton);
  auto* window = pane_.findChild<PicturePane*>(QStringLiteral("camPictureWindow"));
  ASSERT_NE(window, nullptr);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window));
  EXPECT_TRUE(window->isWindow());
  EXPECT_TRUE(window->fits());
  auto* large = test::named<QLabel>(*window, "camLargePicture");
  EXPECT_GT(large->pixmap().width(), 148);  // larger than in the pane
  EXPECT_TRUE(window->windowTitle().startsWith(QStringLiteral("Heatmap - gradcam on conv2"))) << window->windowTitle().toStdString();
  window->set_fit(false);
  EXPECT_EQ(large->pixmap().size(), QSize(28, 28));  // the input's own pixels
  window->close();
}

}  // namespace
}  // namespace actscope
