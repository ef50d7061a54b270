// The Activations tab alone: the settings its controls emit, a real layer's
// grid (relu5 of the bundled model) and the side grid, and the filter it
// asks to enlarge.
#include "ui/panes/activations_pane.h"

#include <gtest/gtest.h>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

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
  EXPECT_GE(grid()->zoom(), 1.0);  // fitted to the room, at least 1:1
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

TEST_F(ActivationsPaneTest, AfterTheUserZoomsNewGridsKeepTheirZoom) {
  pane_.show_grid(relu5_view());
  const double fitted = grid()->zoom();
  pane_.zoom_by(0.5);
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted * 0.5);
  pane_.show_grid(relu5_view());
  EXPECT_DOUBLE_EQ(grid()->zoom(), fitted * 0.5);
}

}  // namespace
}  // namespace actscope
