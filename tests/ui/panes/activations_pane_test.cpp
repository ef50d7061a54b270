// The Activations tab alone: the settings its controls emit, a real layer's
// grid (relu5 of the bundled model) and the side grid, and the filter it
// asks to enlarge.
#include "ui/panes/activations_pane.h"

#include <gtest/gtest.h>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QScrollArea>
#include <QSpinBox>
#include <QTest>
#include <QWheelEvent>

#include "tests/support/bundled_model_fixture.h"
#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

class ActivationsPaneTest : public test::BundledModelFixture {
 protected:
  void SetUp() override {
    BundledModelFixture::SetUp();
    relu5_ = capture_sample("03735_coat.png", "relu5");
    pane_.resize(900, 700);
    pane_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane_));
  }

  // relu5 drawn with `options` (its raw maps live as long as the test).
  std::shared_ptr<const LayerView> relu5_view(const ViewOptions& options = {}) {
    auto view = render_layer(*model_, relu5_, 0, "03735_coat.png", options);
    EXPECT_TRUE(view.ok()) << view.error();
    return std::make_shared<const LayerView>(view.value());
  }

  // The settings of the last settingsChanged.
  static GridSettings last(const QSignalSpy& spy) { return spy.back().at(0).value<GridSettings>(); }

  GridView* grid() const { return test::named<GridView>(pane_, "activationGrid"); }
  GridView* side_grid() const { return test::named<GridView>(pane_, "preActivationGrid"); }

  LayerActivation relu5_;
  ActivationsPane pane_;
};

TEST_F(ActivationsPaneTest, EachControlEmitsTheSettingsTheUserChose) {
  QSignalSpy changed(&pane_, &ActivationsPane::settingsChanged);
  test::named<QComboBox>(pane_, "colormap")->setCurrentText(QStringLiteral("inferno"));
  ASSERT_EQ(changed.size(), 1);
  EXPECT_EQ(last(changed).colormap, QStringLiteral("inferno"));
  auto* sort = test::named<QCheckBox>(pane_, "sortByMean");
  QTest::mouseClick(sort, Qt::LeftButton, {}, QPoint(8, sort->height() / 2));
  ASSERT_EQ(changed.size(), 2);
  EXPECT_TRUE(last(changed).sort_by_mean);
  test::named<QSpinBox>(pane_, "topK")->setValue(5);
  test::named<QComboBox>(pane_, "normalization")->setCurrentText(QStringLiteral("signed"));
  ASSERT_EQ(changed.size(), 4);
  const GridSettings settings = last(changed);
  EXPECT_EQ(settings.top_k, 5);
  EXPECT_EQ(settings.normalization, QStringLiteral("signed"));
  EXPECT_EQ(settings.colormap, QStringLiteral("inferno"));
  EXPECT_FALSE(settings.before_activation);
}

TEST_F(ActivationsPaneTest, RestoreSetsKnownNamesAndIgnoresUnknownOnes) {
  QSignalSpy changed(&pane_, &ActivationsPane::settingsChanged);
  pane_.restore(QStringLiteral("layer"), QStringLiteral("no such colormap"));
  ASSERT_FALSE(changed.isEmpty());
  EXPECT_EQ(last(changed).normalization, QStringLiteral("layer"));
  EXPECT_EQ(last(changed).colormap, QStringLiteral("viridis"));
  EXPECT_EQ(test::named<QComboBox>(pane_, "normalization")->currentText(), QStringLiteral("layer"));
}

TEST_F(ActivationsPaneTest, BeforeActivationIsOfferedOnlyForAPair) {
  auto* before = test::named<QCheckBox>(pane_, "preActivation");
  pane_.set_pair_available(false);
  EXPECT_FALSE(before->isEnabled());
  pane_.set_pair_available(true);
  EXPECT_TRUE(before->isEnabled());
}

TEST_F(ActivationsPaneTest, TheLayersGridIsShownUntilAMessageTakesItsPlace) {
  pane_.show_grid(relu5_view());
  ASSERT_TRUE(grid()->has_view());
  EXPECT_EQ(grid()->tile_count(), 128);
  EXPECT_TRUE(grid()->fits());
  EXPECT_EQ(test::tiles_out_of_sight(*grid()), QStringList());
  pane_.show_message(QStringLiteral("relu5 has no maps"));
  EXPECT_FALSE(grid()->has_view());
}

TEST_F(ActivationsPaneTest, TheGridsScaleIsInSightAboveItAndGoesWithIt) {
  ViewOptions options;
  options.normalization = Normalization::kLayer;
  const auto view = relu5_view(options);
  pane_.show_grid(view);
  auto* scale = test::named<ColorBar>(pane_, "gridScale");
  ASSERT_TRUE(scale->has_scale());
  EXPECT_TRUE(scale->isVisible());
  // Layer normalization: the bar runs over the layer's own values.
  EXPECT_EQ(scale->numbers().front(), QString::fromStdString(format_scale_value(view->scale.low)));
  EXPECT_EQ(scale->numbers().back(), QString::fromStdString(format_scale_value(view->scale.high)));
  EXPECT_EQ(scale->numbers().back(), QString::fromStdString(format_scale_value(relu5_.max)));
  // Above the grid's scroll area, so it never scrolls out of sight.
  EXPECT_LT(scale->mapTo(&pane_, QPoint(0, 0)).y(), grid()->parentWidget()->mapTo(&pane_, QPoint(0, 0)).y());
  pane_.show_message(QStringLiteral("relu5 has no maps"));
  EXPECT_FALSE(scale->has_scale());
}

TEST_F(ActivationsPaneTest, TheSideGridAppearsWithItsCaptionAndHidingEmptiesIt) {
  EXPECT_FALSE(side_grid()->isVisible());
  pane_.show_side(QStringLiteral("before activation: bn5"), relu5_view());
  EXPECT_TRUE(side_grid()->isVisible());
  EXPECT_TRUE(side_grid()->has_view());
  bool captioned = false;
  for (const QLabel* label : pane_.findChildren<QLabel*>())
    captioned =
        captioned || (label->isVisible() && label->text() == QStringLiteral("before activation: bn5"));
  EXPECT_TRUE(captioned);
  pane_.hide_side();
  EXPECT_FALSE(side_grid()->isVisible());
  EXPECT_FALSE(side_grid()->has_view());
}

TEST_F(ActivationsPaneTest, EnlargeAsksForTheSelectedTilesFilterAndNothingWithoutAGrid) {
  QSignalSpy enlarge(&pane_, &ActivationsPane::enlargeRequested);
  pane_.enlarge_selected();
  EXPECT_EQ(enlarge.size(), 0);  // no grid yet
  ViewOptions sorted;
  sorted.sort_by_mean = true;  // tiles no longer in filter order
  pane_.show_grid(relu5_view(sorted));
  grid()->select_tile(2);
  pane_.enlarge_selected();
  ASSERT_EQ(enlarge.size(), 1);
  ASSERT_NE(grid()->view().grid.filters.at(2), 2);
  EXPECT_EQ(enlarge.takeFirst().at(0).toInt(), grid()->view().grid.filters.at(2));
  pane_.show_message(QStringLiteral("relu5 has no maps"));
  pane_.enlarge_selected();
  EXPECT_EQ(enlarge.size(), 0);
}

// Fitted, the columns and the tile size follow the area: every one of the
// 128 tiles in sight, wide or tall, large or small, and as large as fits.
TEST_F(ActivationsPaneTest, AFittedGridShowsEveryTileAtAnySizeOfThePane) {
  pane_.show_grid(relu5_view());
  for (const QSize size : {QSize(900, 700), QSize(1200, 420), QSize(420, 900), QSize(520, 380)}) {
    pane_.resize(size);
    QTest::qWait(0);  // the layouts settle in one pass of the event loop
    EXPECT_EQ(test::tiles_out_of_sight(*grid()), QStringList()) << size.width() << "x" << size.height();
    const QRect last = grid()->tile_rect(127);
    EXPECT_GE(last.width(), 16) << size.width() << "x" << size.height();
  }
  pane_.resize(1200, 420);
  QTest::qWait(0);
  EXPECT_GT(grid()->columns(), 16) << "a wide area takes more columns than a square grid's 12";
  pane_.resize(420, 900);
  QTest::qWait(0);
  EXPECT_LT(grid()->columns(), 12) << "a tall area takes fewer";
}

TEST_F(ActivationsPaneTest, AfterTheUserZoomsNewGridsKeepTheirZoomUntilFittedAgain) {
  pane_.show_grid(relu5_view());
  const double fitted = grid()->zoom();
  pane_.zoom_by(2.0);
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted * 2.0);
  EXPECT_FALSE(grid()->fits());
  pane_.show_grid(relu5_view());
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted * 2.0);
  QTest::qWait(0);
  EXPECT_NE(test::tiles_out_of_sight(*grid()), QStringList()) << "twice the fitted size cannot all show";
  // Zoomed, the tiles wrap at the area's width: the grid scrolls down, not sideways.
  auto* area = qobject_cast<QScrollArea*>(grid()->parentWidget()->parentWidget());
  EXPECT_LE(grid()->width(), area->viewport()->width());
  pane_.fit_grids();
  QTest::qWait(0);
  EXPECT_TRUE(grid()->fits());
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted);
  EXPECT_EQ(test::tiles_out_of_sight(*grid()), QStringList());
}

TEST_F(ActivationsPaneTest, ControlWheelZoomsAndControlZeroFitsAgain) {
  pane_.show_grid(relu5_view());
  const double fitted = grid()->zoom();
  const QPoint at = grid()->tile_rect(0).center();
  QWheelEvent wheel(at, grid()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::ControlModifier,
                    Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(grid(), &wheel);
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted * 1.25);
  EXPECT_DOUBLE_EQ(side_grid()->zoom(), fitted * 1.25);  // the grid beside follows
  QTest::keyClick(grid(), Qt::Key_0, Qt::ControlModifier);
  EXPECT_TRUE(grid()->fits());
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted);
}

}  // namespace
}  // namespace actscope
