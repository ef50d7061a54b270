// The window's views at the two screen sizes it is made for (1280x720 and a
// 1024x640 laptop): what each view must show without scrolling (every tile
// of a 128-filter layer, the predictions and the CAM's scale, Compare's
// grids at a usable size), Compare's linked grids, and each view's own dock
// layout, kept apart, saved and reset.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <QAction>
#include <QDockWidget>
#include <QListWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/compare_controller.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/compare_pane.h"
#include "ui/panes/image_strip.h"
#include "ui/panes/picture_pane.h"
#include "ui/shell/main_window.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

// What of `widget` is cut: "" when the whole of it is in sight (inside the
// window and not clipped by any scroll area, splitter or dock it sits in).
QString cut_part(const QWidget& widget) {
  if (!widget.isVisible()) return QStringLiteral("%1 is hidden").arg(widget.objectName());
  const QWidget* window = widget.window();
  const QRect whole(widget.mapTo(window, QPoint(0, 0)), widget.size());
  QRect seen = whole & window->rect();
  for (const QWidget* parent = widget.parentWidget(); parent && parent != window; parent = parent->parentWidget()) {
    seen &= QRect(parent->mapTo(window, QPoint(0, 0)), parent->size());
  }
  if (seen == whole) return {};
  return QStringLiteral("%1: only %2x%3 of %4x%5 in sight")
      .arg(widget.objectName())
      .arg(seen.width())
      .arg(seen.height())
      .arg(whole.width())
      .arg(whole.height());
}

// The tiles of `grid` wholly in sight in its scroll area, and how many
// columns and rows they span.
struct TilesInSight {
  int tiles = 0;
  int columns = 0;
  int rows = 0;
};

TilesInSight tiles_in_sight(const GridView& grid) {
  auto* area = qobject_cast<QScrollArea*>(grid.parentWidget()->parentWidget());
  const QRect visible = area->viewport()->rect();
  TilesInSight seen;
  std::set<int> lefts;
  std::set<int> tops;
  for (int tile = 0; tile < grid.tile_count(); ++tile) {
    const QRect rect = grid.tile_rect(tile).translated(grid.mapTo(area->viewport(), QPoint(0, 0)));
    if (!visible.contains(rect)) continue;
    ++seen.tiles;
    lefts.insert(rect.left());
    tops.insert(rect.top());
  }
  seen.columns = static_cast<int>(lefts.size());
  seen.rows = static_cast<int>(tops.size());
  return seen;
}

// The window shown at the parameter's size with the bundled model and the
// samples open, its first image captured and its CAM drawn.
class WindowAtSizeTest : public ::testing::TestWithParam<QSize> {
 protected:
  void SetUp() override {
    window_.show();
    window_.resize(GetParam());
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
    QSignalSpy cam(&window_.cam(), &CamController::camShown);
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    ASSERT_TRUE(cam.count() > 0 || cam.wait(60000)) << "the CAM never arrived";
    QTest::qWait(0);  // the layouts settle in one pass of the event loop
    ASSERT_EQ(window_.size(), GetParam());
  }

  int row_of(const QString& file) const {
    auto* strip = window_.findChild<QListWidget*>(QStringLiteral("imageStrip"));
    for (int row = 0; row < strip->count(); ++row) {
      if (strip->item(row)->data(ImageStrip::kCaptionRole).toString().startsWith(file)) return row;
    }
    return -1;
  }

  // Compare on the misclassified shirt, B proposed (the nearest correct shirt), at `layer`.
  void compare_the_shirt(const QString& layer) {
    ASSERT_TRUE(window_.activations().select_layer(layer));
    QSignalSpy compared(&window_.compare(), &CompareController::compareShown);
    window_.workspace().set_current_image(row_of(QStringLiteral("01236_shirt.png")));
    window_.show_view(MainWindow::kCompare);
    for (int wait = 0; wait < 4 && (window_.compare().image_b() < 0 || compared.isEmpty()); ++wait) {
      compared.wait(30000);
    }
    ASSERT_GE(window_.compare().image_b(), 0);
    QTest::qWait(0);
  }

  MainWindow window_;
};

TEST_P(WindowAtSizeTest, EveryTileOfA128FilterLayerIsInSight) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("relu5")));
  QTest::qWait(0);
  const GridView& grid = *window_.activations().pane()->grid();
  ASSERT_EQ(grid.tile_count(), 128);
  EXPECT_EQ(test::tiles_out_of_sight(grid), QStringList());
  EXPECT_EQ(cut_part(*grid.parentWidget()->parentWidget()), QString()) << "the grid's area itself";
  EXPECT_GE(grid.tile_rect(0).width(), 24) << "tiles large enough to read";
  // Its caption in the widget's font, at least 10 px.
  EXPECT_GE(grid.fontMetrics().ascent(), 10);
}

TEST_P(WindowAtSizeTest, ThePredictionsAndTheCamsScaleAreInSight) {
  for (const char* name : {"predictions", "camScale", "camCaption"}) {
    const auto* widget = window_.findChild<QWidget*>(QString::fromLatin1(name));
    ASSERT_NE(widget, nullptr) << name;
    EXPECT_EQ(cut_part(*widget), QString()) << name;
  }
  EXPECT_EQ(window_.findChild<QListWidget*>(QStringLiteral("predictions"))->count(), 5);
  EXPECT_FALSE(window_.findChild<ColorBar*>(QStringLiteral("camScale"))->numbers().isEmpty());
}

TEST_P(WindowAtSizeTest, CompareShowsEachGridAtAUsableSize) {
  compare_the_shirt(QStringLiteral("relu4"));
  ComparePane* pane = window_.compare().pane();
  for (int which = 0; which < 3; ++which) {
    const GridView& grid = *pane->grid(which);
    ASSERT_TRUE(grid.has_view()) << which;
    const TilesInSight seen = tiles_in_sight(grid);
    EXPECT_GE(seen.columns, 4) << which;
    EXPECT_GE(seen.rows, 3) << which;
    EXPECT_GE(seen.tiles, 12) << which;
    EXPECT_EQ(test::tiles_out_of_sight(grid), QStringList()) << which << ": fitted, every tile shows";
    EXPECT_EQ(cut_part(*grid.parentWidget()->parentWidget()), QString()) << which;
  }
  // The same filter at the same place in the three.
  EXPECT_EQ(pane->grid(0)->tile_rect(20), pane->grid(1)->tile_rect(20));
  EXPECT_EQ(pane->grid(0)->tile_rect(20), pane->grid(2)->tile_rect(20));
}

TEST_P(WindowAtSizeTest, ZoomingOrScrollingOneCompareGridMovesTheOthers) {
  compare_the_shirt(QStringLiteral("relu4"));
  ComparePane* pane = window_.compare().pane();
  QAction* zoom_in = window_.findChild<QAction*>(QStringLiteral("zoomInAction"));
  ASSERT_NE(zoom_in, nullptr);
  for (int i = 0; i < 6; ++i) zoom_in->trigger();
  QTest::qWait(0);
  for (int which = 1; which < 3; ++which) {
    EXPECT_FALSE(pane->grid(which)->fits()) << which;
    EXPECT_DOUBLE_EQ(pane->grid(which)->zoom(), pane->grid(0)->zoom()) << which;
  }
  QScrollBar* a = pane->grid_area(0)->verticalScrollBar();
  ASSERT_GT(a->maximum(), 0) << "zoomed in, A scrolls";
  a->setValue(a->maximum() / 2);
  for (int which = 1; which < 3; ++which) {
    EXPECT_EQ(pane->grid_area(which)->verticalScrollBar()->value(), a->maximum() / 2) << which;
  }
  pane->grid_area(2)->verticalScrollBar()->setValue(0);  // and the other way
  EXPECT_EQ(a->value(), 0);

  window_.findChild<QAction*>(QStringLiteral("fitGridAction"))->trigger();
  QTest::qWait(0);
  for (int which = 0; which < 3; ++which) {
    EXPECT_TRUE(pane->grid(which)->fits()) << which;
    EXPECT_EQ(test::tiles_out_of_sight(*pane->grid(which)), QStringList()) << which;
  }
}

// The Weights tab of a 128-filter layer: drawn at a tile size that fits the
// tab, so Fit never shrinks its caption and colour-bar numbers below 1:1.
TEST_P(WindowAtSizeTest, TheWeightsOfA128FilterLayerFitWithoutShrinkingTheirText) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv5")));
  PicturePane* weights = window_.activations().weights();
  window_.show_page(weights);
  ASSERT_TRUE(QTest::qWaitFor([weights] { return !weights->picture_size().isEmpty(); }, 60000));
  QTest::qWait(0);
  EXPECT_GE(weights->shown_size().width(), weights->picture_size().width());
  EXPECT_LE(weights->shown_size().height(), weights->picture_room().height() + 1);
}

INSTANTIATE_TEST_SUITE_P(Screens, WindowAtSizeTest, ::testing::Values(QSize(1280, 720), QSize(1024, 640)),
                         [](const ::testing::TestParamInfo<QSize>& info) {
                           return std::to_string(info.param.width()) + "x" + std::to_string(info.param.height());
                         });

// A 224x224 ImageNet-style model: resnet18's layer4 (512 filters of 7x7)
// shows whole at 1280x720 with tiles of at least 16 pixels.
TEST(WindowViewsTest, ResNet18sLayer4ShowsWholeAt1280x720) {
  MainWindow window;
  window.show();
  window.resize(1280, 720);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  ModelCard card;
  card.channels = 3;
  card.height = 224;
  card.width = 224;
  card.mean = {0.485f, 0.456f, 0.406f};
  card.std = {0.229f, 0.224f, 0.225f};
  QSignalSpy captured(&window.activations(), &ActivationsController::captureShown);
  window.open(QString::fromStdString((test::fixture_dir() / "resnet18_scripted.pt").string()),
              sample_paths().mid(0, 1), card);
  ASSERT_TRUE(captured.wait(120000));
  ASSERT_TRUE(window.activations().select_layer(QStringLiteral("layer4")));
  QTest::qWait(0);
  const GridView& grid = *window.activations().pane()->grid();
  ASSERT_EQ(grid.tile_count(), 512);
  EXPECT_EQ(test::tiles_out_of_sight(grid), QStringList());
  EXPECT_GE(grid.tile_rect(511).width(), 16);
  EXPECT_GE(grid.tile_rect(511).height(), 16);
}

QDockWidget* dock(const MainWindow& window, const char* name) {
  return window.findChild<QDockWidget*>(QString::fromLatin1(name));
}

// Docks shown (or tabbed behind another) rather than closed.
bool shown(const MainWindow& window, const char* name) { return !dock(window, name)->isHidden(); }

TEST(WindowViewsTest, EachViewShowsItsOwnDocks) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  EXPECT_TRUE(shown(window, "camDock"));
  EXPECT_TRUE(shown(window, "imagesDock"));
  window.show_view(MainWindow::kCompare);  // its own CAM row: no Grad-CAM dock
  EXPECT_FALSE(shown(window, "camDock"));
  EXPECT_TRUE(shown(window, "layersDock"));
  window.show_view(MainWindow::kDataset);  // the table gets the window
  for (const char* name : {"layersDock", "modelDock", "camDock", "imagesDock"}) EXPECT_FALSE(shown(window, name)) << name;
  window.show_view(MainWindow::kBrowse);
  for (const char* name : {"layersDock", "modelDock", "camDock", "imagesDock"}) EXPECT_TRUE(shown(window, name)) << name;
}

TEST(WindowViewsTest, AViewKeepsTheLayoutTheUserGaveItAcrossSwitchesAndRestarts) {
  {
    MainWindow window;
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.show_view(MainWindow::kCompare);
    dock(window, "imagesDock")->toggleViewAction()->trigger();  // the user hides the strip in Compare
    ASSERT_FALSE(shown(window, "imagesDock"));
    window.show_view(MainWindow::kBrowse);
    EXPECT_TRUE(shown(window, "imagesDock")) << "Browse keeps its own";
    window.show_view(MainWindow::kCompare);
    EXPECT_FALSE(shown(window, "imagesDock")) << "Compare keeps the user's";
    window.close();  // saves
  }
  MainWindow next;
  next.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&next));
  EXPECT_EQ(next.current_view(), MainWindow::kCompare) << "opens on the view it was closed on";
  EXPECT_TRUE(next.view_action(MainWindow::kCompare)->isChecked());
  EXPECT_FALSE(shown(next, "imagesDock"));
  next.show_view(MainWindow::kBrowse);
  EXPECT_TRUE(shown(next, "imagesDock"));

  next.show_view(MainWindow::kCompare);
  next.reset_layout_action()->trigger();  // every view back to its defaults
  EXPECT_TRUE(shown(next, "imagesDock"));
}

}  // namespace
}  // namespace actscope
