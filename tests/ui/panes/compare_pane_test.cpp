// The Compare tab alone: choosing image B, a real comparison (relu5 of two
// bundled samples) drawn as three grids and a ranking, each image's
// prediction and CAMs, and nothing of them left once cleared.
#include "ui/panes/compare_pane.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/bundled_model_fixture.h"
#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

constexpr const char* kGrids[] = {"compareA", "compareB", "compareDifference"};
constexpr const char* kPictures[] = {"compareInputA", "compareCamPredictedA", "compareCamTrueA",
                                     "compareInputB", "compareCamPredictedB", "compareCamTrueB"};

// An image predicted `predicted` (80%) whose true class is `true_class`,
// with a CAM for each unless `cam_error` says why there is none.
ImageExplanation explanation(const std::string& name, int predicted, int true_class,
                             const std::string& cam_error = {}) {
  ImageExplanation image;
  image.name = name;
  image.display = test::gray_image(28, 28, 60);
  image.predicted = {predicted, 0.8f};
  image.true_class = true_class;
  image.cam_error = cam_error;
  if (cam_error.empty()) {
    image.cam_height = image.cam_width = 4;
    image.cam_predicted.assign(16, 0.25f);
    image.cam_true.assign(16, 0.75f);
  }
  return image;
}

class ComparePaneTest : public test::BundledModelFixture {
 protected:
  void SetUp() override {
    BundledModelFixture::SetUp();
    pane_.set_images({QStringLiteral("03735_coat.png"), QStringLiteral("01236_shirt.png")});
    pane_.resize(1000, 800);
    pane_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane_));
  }

  // relu5 of the coat (A) against the shirt (B); returns the comparison shown.
  std::shared_ptr<const LayerComparison> show_coat_against_shirt() {
    const LayerActivation a = capture_sample("03735_coat.png", "relu5");
    const LayerActivation b = capture_sample("01236_shirt.png", "relu5");
    auto compared = compare_layer(a.values, b.values);
    EXPECT_TRUE(compared.ok()) << compared.error();
    auto comparison = std::make_shared<const LayerComparison>(std::move(compared).value());
    pane_.show_comparison("relu5", QStringLiteral("A: coat.png"), QStringLiteral("B: shirt.png"), a.values,
                          b.values, comparison);
    return comparison;
  }

  // Every label's text, one per line.
  QString shown_text() const {
    QStringList texts;
    for (const QLabel* label : pane_.findChildren<QLabel*>()) texts << label->text();
    return texts.join(QLatin1Char('\n'));
  }

  bool has_picture(const char* name) const { return !test::named<QLabel>(pane_, name)->pixmap().isNull(); }
  QListWidget* ranking() const { return test::named<QListWidget>(pane_, "compareRanking"); }

  const ModelCard card_ = test::labelled_card({"cat", "dog"});
  ComparePane pane_;
};

TEST_F(ComparePaneTest, ImageBIsChosenAmongTheOpenImagesAndOnlyTheUsersChoiceIsReported) {
  auto* choice = test::named<QComboBox>(pane_, "compareImage");
  ASSERT_EQ(choice->count(), 3);
  EXPECT_EQ(choice->itemText(2), QStringLiteral("01236_shirt.png"));
  QSignalSpy chosen(&pane_, &ComparePane::imageBChosen);
  pane_.set_image_b(1);
  EXPECT_EQ(choice->currentText(), QStringLiteral("01236_shirt.png"));
  EXPECT_EQ(chosen.size(), 0);
  QTest::keyClick(choice, Qt::Key_Up);  // the user picks the image above
  ASSERT_EQ(chosen.size(), 1);
  EXPECT_EQ(chosen.takeFirst().at(0).toInt(), 0);
  pane_.set_image_b(9);  // no such image: none chosen
  EXPECT_EQ(choice->currentIndex(), 0);
  pane_.set_images({QStringLiteral("other.png")});
  EXPECT_EQ(choice->count(), 2);
}

TEST_F(ComparePaneTest, ProposeBAsksForAProposal) {
  QSignalSpy proposed(&pane_, &ComparePane::proposeRequested);
  QTest::mouseClick(test::named<QPushButton>(pane_, "compareProposeB"), Qt::LeftButton);
  EXPECT_EQ(proposed.size(), 1);
}

TEST_F(ComparePaneTest, AComparisonIsDrawnAsThreeGridsAndFiltersRankedByDifference) {
  const auto comparison = show_coat_against_shirt();
  for (const char* name : kGrids) {
    ASSERT_TRUE(test::named<GridView>(pane_, name)->has_view()) << name;
    EXPECT_EQ(test::named<GridView>(pane_, name)->tile_count(), 128) << name;
  }
  ASSERT_EQ(ranking()->count(), static_cast<int>(comparison->ranking.size()));
  EXPECT_TRUE(ranking()->item(0)->text().startsWith(
      QStringLiteral("filter %1 ").arg(comparison->ranking.front().filter)));
  EXPECT_TRUE(shown_text().contains(QStringLiteral("relu5: A: coat.png; B: shirt.png"))) << shown_text().toStdString();
}

// Regression: the summary read "A A: coat.png".
TEST_F(ComparePaneTest, TheSummaryNamesEachImageOnce) {
  show_coat_against_shirt();
  EXPECT_FALSE(shown_text().contains(QStringLiteral("A A:"))) << shown_text().toStdString();
  EXPECT_FALSE(shown_text().contains(QStringLiteral("B B:"))) << shown_text().toStdString();
  EXPECT_TRUE(shown_text().contains(QStringLiteral("relu5: A: coat.png; B: shirt.png"))) << shown_text().toStdString();
}

TEST_F(ComparePaneTest, ClickingARankedFilterSelectsItInAllThreeGrids) {
  const auto comparison = show_coat_against_shirt();
  const int filter = comparison->ranking.at(1).filter;
  test::click_row(ranking(), 1);
  for (const char* name : kGrids)
    EXPECT_EQ(test::named<GridView>(pane_, name)->selected_filter(), filter) << name;
}

TEST_F(ComparePaneTest, ClickingARankedFilterScrollsEveryGridToIt) {
  pane_.resize(700, 500);
  const auto comparison = show_coat_against_shirt();
  pane_.zoom_by(3.0);  // grids much larger than their areas
  QTest::qWait(0);
  // The ranked filter drawn last in the grids: the farthest from the top left.
  const std::vector<int>& order = test::named<GridView>(pane_, "compareA")->view().grid.filters;
  int row = 0;
  int farthest = -1;
  for (int i = 0; i < ranking()->count(); ++i) {
    const int filter = ranking()->item(i)->data(Qt::UserRole).toInt();
    const int tile = static_cast<int>(std::find(order.begin(), order.end(), filter) - order.begin());
    if (tile > farthest) {
      farthest = tile;
      row = i;
    }
  }
  const int filter = ranking()->item(row)->data(Qt::UserRole).toInt();
  for (const char* name : kGrids) {
    GridView* grid = test::named<GridView>(pane_, name);
    EXPECT_FALSE(grid->visibleRegion().contains(grid->unit_position(filter, 3, 3))) << name << ": already visible";
  }
  test::click_row(ranking(), row);
  for (const char* name : kGrids) {
    GridView* grid = test::named<GridView>(pane_, name);
    EXPECT_EQ(grid->selected_filter(), filter) << name;
    EXPECT_TRUE(grid->visibleRegion().contains(grid->unit_position(filter, 3, 3))) << name;
  }
  // Each grid's scale: A and B share 0..1 per filter, A - B is symmetric in the layer's units.
  EXPECT_EQ(test::named<ColorBar>(pane_, "compareScale0")->numbers().front(), QStringLiteral("0"));
  const QStringList difference = test::named<ColorBar>(pane_, "compareScale2")->numbers();
  ASSERT_GE(difference.size(), 2);
  EXPECT_EQ(difference.front(), QStringLiteral("-") + difference.back());
  EXPECT_EQ(difference.back(), QString::fromStdString(format_scale_value(comparison->difference_scale)));
  // The captions above the grids are whole, whatever the width.
  EXPECT_EQ(test::named<QLabel>(pane_, "compareGridTitle0")->text(), QStringLiteral("A: coat.png"));
  EXPECT_TRUE(test::named<QLabel>(pane_, "compareGridTitle0")->wordWrap());
}

TEST_F(ComparePaneTest, ExplanationsShowEachPredictionAndItsCamsOrWhyThereAreNone) {
  const ImageExplanation a = explanation("coat.png", 1, 0);
  const ImageExplanation b = explanation("shirt.png", 0, 0, "no layer for a CAM");
  pane_.show_explanations(card_, &a, &b);
  const QString caption_a = test::named<QLabel>(pane_, "compareCaptionA")->text();
  EXPECT_TRUE(caption_a.contains(QStringLiteral("coat.png")) && caption_a.contains(QStringLiteral("dog")) &&
              caption_a.contains(QStringLiteral("true cat")))
      << caption_a.toStdString();
  for (const char* name : {"compareInputA", "compareCamPredictedA", "compareCamTrueA", "compareInputB"})
    EXPECT_TRUE(has_picture(name)) << name;
  EXPECT_FALSE(has_picture("compareCamPredictedB"));
  EXPECT_TRUE(test::named<QLabel>(pane_, "compareCaptionB")
                  ->text()
                  .contains(QStringLiteral("no Grad-CAM: no layer for a CAM")));
  EXPECT_TRUE(shown_text().contains(QStringLiteral("dog (predicted)")));
}

TEST_F(ComparePaneTest, ClearLeavesNoGridRankingCaptionOrPictureBehind) {
  show_coat_against_shirt();
  const ImageExplanation a = explanation("coat.png", 1, 0);
  pane_.show_explanations(card_, &a, &a);
  pane_.clear(QStringLiteral("B was closed"));
  for (const char* name : kGrids) EXPECT_FALSE(test::named<GridView>(pane_, name)->has_view()) << name;
  EXPECT_EQ(ranking()->count(), 0);
  for (const char* name : kPictures) EXPECT_FALSE(has_picture(name)) << name;
  const QString text = shown_text();
  EXPECT_TRUE(text.contains(QStringLiteral("B was closed")));
  for (const char* stale : {"relu5", "coat.png", "predicted"})
    EXPECT_FALSE(text.contains(QString::fromLatin1(stale))) << stale << " in " << text.toStdString();
}

}  // namespace
}  // namespace actscope
