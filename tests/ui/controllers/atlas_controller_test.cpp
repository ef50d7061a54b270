// The Filters tab: a scan of the bundled model fills it for the browsed
// layer, runs beside browsing, is cached, can be cancelled; an atlas of
// another model is refused.
#include "ui/controllers/atlas_controller.h"

#include <gtest/gtest.h>
#include <QTest>
#include <QHeaderView>
#include <QScrollBar>
#include <QAction>
#include <QCheckBox>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

#include "core/atlas/atlas_json.h"
#include "core/io/atomic_file.h"
#include "tests/support/export_support.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/session_controller.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/cam_pane.h"
#include "ui/widgets/grid_view.h"
#include "ui/panes/filters_pane.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

QString fashion_mnist() { return QString::fromStdString(test::fashion_mnist_dir().string()); }

class AtlasControllerTest : public ::testing::Test {
 protected:
  void SetUp() override { open_and_wait_for_capture(window_, bundled(), sample_paths()); }

  // Scans and waits; returns (error, cached).
  std::pair<QString, bool> scan(long long limit) {
    QSignalSpy shown(&window_.atlas(), &AtlasController::atlasShown);
    window_.atlas().scan(fashion_mnist(), limit);
    EXPECT_TRUE(shown.wait(120000));
    if (shown.isEmpty()) return {QStringLiteral("timeout"), false};
    return {shown.at(0).at(0).toString(), shown.at(0).at(1).toBool()};
  }

  QTableWidget* table() { return window_.findChild<QTableWidget*>(QStringLiteral("atlasTable")); }

  MainWindow window_;
};

TEST_F(AtlasControllerTest, AScanFillsTheTableOfTheBrowsedLayerAndItsTopImages) {
  const auto [error, cached] = scan(300);
  ASSERT_EQ(error, QString());
  EXPECT_FALSE(cached);
  const QString layer = window_.workspace().current_layer();
  const LayerInfo* info = window_.workspace().layer_info(layer);
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(table()->rowCount(), info->shape[1]) << layer.toStdString();
  ASSERT_NE(window_.atlas().atlas(), nullptr);
  EXPECT_EQ(window_.atlas().atlas()->dataset_images, 300);

  window_.atlas().pane()->select_filter(5);
  auto* top = window_.findChild<QListWidget*>(QStringLiteral("atlasTop"));
  ASSERT_EQ(top->count(), 9);
  EXPECT_TRUE(top->item(0)->text().startsWith(QStringLiteral("t10k["))) << top->item(0)->text().toStdString();

  window_.workspace().set_current_layer(QStringLiteral("relu5"));  // the table follows the browsed layer
  EXPECT_EQ(table()->rowCount(), 128);
  table()->sortItems(FiltersPane::kMax, Qt::DescendingOrder);
  const double first = table()->item(0, FiltersPane::kMax)->data(Qt::UserRole).toDouble();
  const double last = table()->item(127, FiltersPane::kMax)->data(Qt::UserRole).toDouble();
  EXPECT_GE(first, last);
}

// conv1's 3x3 fields are shown boxed on their whole image, not as 3x3
// blocks blown up; relu5's 24x24 fields as crops (no box).
TEST_F(AtlasControllerTest, SmallFieldsAreShownBoxedOnTheirImage) {
  ASSERT_EQ(scan(100).first, QString());
  auto* top = window_.findChild<QListWidget*>(QStringLiteral("atlasTop"));
  auto yellow_pixels = [top](int item) {
    const QImage icon = top->item(item)->icon().pixmap(QSize(72, 72)).toImage().convertToFormat(QImage::Format_RGB32);
    int count = 0;
    for (int y = 0; y < icon.height(); ++y)
      for (int x = 0; x < icon.width(); ++x) count += icon.pixelColor(x, y) == QColor(255, 210, 0);
    return count;
  };
  for (const auto& [layer, boxed] : {std::pair{QStringLiteral("conv1"), true}, std::pair{QStringLiteral("relu5"), false}}) {
    window_.workspace().set_current_layer(layer);
    QSignalSpy cropped(&window_.atlas(), &AtlasController::cropsShown);
    window_.atlas().pane()->select_filter(3);
    bool three = false;
    while (!three) {
      ASSERT_TRUE(cropped.wait(60000)) << layer.toStdString();
      for (const auto& arguments : cropped) three = three || arguments.at(0).toInt() == 3;
    }
    ASSERT_GT(top->count(), 0);
    if (boxed) {
      EXPECT_GT(yellow_pixels(0), 20) << "conv1's field is boxed on its image";
    } else {
      EXPECT_EQ(yellow_pixels(0), 0) << "relu5's field is cut out";
    }
  }
}

// A table wider than its pane scrolls sideways with its filter column kept
// in place, row for row with the table, and sorted with it.
TEST_F(AtlasControllerTest, TheFilterColumnStaysInSightWhenTheTableScrollsSideways) {
  window_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  window_.resize(1024, 640);
  ASSERT_EQ(scan(100).first, QString());
  window_.workspace().set_current_layer(QStringLiteral("relu5"));
  window_.show_view(MainWindow::kFilters);
  table()->setColumnWidth(FiltersPane::kPreferred, 400);  // wider than the pane, whatever the screen
  QTest::qWait(0);
  QScrollBar* sideways = table()->horizontalScrollBar();
  ASSERT_GT(sideways->maximum(), 0);
  sideways->setValue(sideways->maximum());
  table()->verticalScrollBar()->setValue(table()->verticalScrollBar()->maximum() / 2);
  table()->sortItems(FiltersPane::kMax, Qt::DescendingOrder);
  QTest::qWait(0);
  auto* frozen = table()->findChild<QTableView*>(QStringLiteral("atlasTableFrozen"));
  ASSERT_NE(frozen, nullptr);
  ASSERT_TRUE(frozen->isVisible());
  EXPECT_LE(frozen->geometry().left(), table()->frameWidth() + 1);
  EXPECT_EQ(frozen->geometry().width(), table()->columnWidth(FiltersPane::kFilter));
  EXPECT_EQ(frozen->horizontalHeader()->sortIndicatorSection(), FiltersPane::kMax);
  EXPECT_EQ(frozen->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
  // The rows in sight beside the frozen column are the same rows: the filter
  // numbers the user reads belong to the values beside them.
  const int row = table()->rowAt(table()->viewport()->height() / 2);
  ASSERT_GE(row, 0);
  const QModelIndex number = table()->model()->index(row, FiltersPane::kFilter);
  EXPECT_EQ(frozen->visualRect(number).top(), table()->visualRect(number).top());
  EXPECT_TRUE(frozen->visualRect(number).isValid());
  EXPECT_TRUE(frozen->isColumnHidden(FiltersPane::kMax));
  // A click on the frozen column's header sorts the table by filter number.
  QTest::mouseClick(frozen->horizontalHeader()->viewport(), Qt::LeftButton, {},
                    QPoint(frozen->width() / 2, frozen->horizontalHeader()->height() / 2));
  EXPECT_EQ(table()->horizontalHeader()->sortIndicatorSection(), FiltersPane::kFilter);
  EXPECT_EQ(table()->item(0, FiltersPane::kFilter)->text(), QStringLiteral("0"));
}

TEST_F(AtlasControllerTest, TopImagesShowTheirCropsAndClickingOneOpensItWithTheUnitShown) {
  ASSERT_EQ(scan(300).first, QString());
  window_.workspace().set_current_layer(QStringLiteral("relu5"));
  QSignalSpy cropped(&window_.atlas(), &AtlasController::cropsShown);
  window_.atlas().pane()->select_filter(7);
  // Other filters' crops (the first row's, shown on the way) may come first.
  auto has_seven = [&cropped] {
    for (const auto& arguments : cropped) {
      if (arguments.at(0).toInt() == 7) return true;
    }
    return false;
  };
  while (!has_seven()) ASSERT_TRUE(cropped.wait(60000));
  auto* top = window_.findChild<QListWidget*>(QStringLiteral("atlasTop"));
  ASSERT_EQ(top->count(), 9);
  for (int i = 0; i < top->count(); ++i) EXPECT_FALSE(top->item(i)->icon().isNull()) << i;

  const TopUnit best = window_.atlas().atlas()->layers.back().name == "relu5"
                           ? window_.atlas().atlas()->layers.back().filters[7].top[2]
                           : TopUnit{};
  ASSERT_FALSE(best.name.empty());
  QSignalSpy opened(&window_.atlas(), &AtlasController::topImageOpened);
  QSignalSpy captured(&window_.activations(), &ActivationsController::captureShown);
  top->itemClicked(top->item(2));
  ASSERT_TRUE(opened.wait(60000));
  const int index = opened.takeFirst().at(0).toInt();
  EXPECT_EQ(window_.workspace().current_image(), index);
  EXPECT_EQ(window_.workspace().images()[index].input.name, best.name);
  EXPECT_EQ(window_.workspace().images()[index].input.dataset_index, best.image);
  // The unit's receptive field is boxed on the input; the grid selects the filter once drawn.
  EXPECT_FALSE(window_.cam().pane()->field_box().isEmpty());
  ASSERT_TRUE(captured.wait(60000));
  EXPECT_EQ(window_.workspace().current_layer(), QStringLiteral("relu5"));
  EXPECT_EQ(window_.activations().pane()->grid()->selected_filter(), 7);
  // The Filters tab keeps its filter (it jumped back to filter 0), and the
  // same top image clicked again adds no second copy to the strip.
  EXPECT_EQ(window_.atlas().pane()->filter_at_row(table()->currentRow()), 7);
  EXPECT_EQ(window_.atlas().pane()->shown_filter(), 7);
  const size_t open = window_.workspace().images().size();
  top->itemClicked(top->item(2));
  ASSERT_TRUE(opened.wait(60000));
  EXPECT_EQ(window_.workspace().images().size(), open);
  EXPECT_EQ(window_.workspace().current_image(), index);
}

TEST_F(AtlasControllerTest, TheGridMarksIdleFiltersAndCanShowThemFirst) {
  auto* idle_first = window_.findChild<QCheckBox*>(QStringLiteral("sortByDataset"));
  ASSERT_NE(idle_first, nullptr);
  EXPECT_FALSE(idle_first->isEnabled());  // no atlas yet
  ASSERT_EQ(scan(300).first, QString());
  window_.workspace().set_current_layer(QStringLiteral("relu5"));
  const std::vector<DatasetMark>* marks = window_.workspace().dataset_marks(QStringLiteral("relu5"));
  ASSERT_NE(marks, nullptr);
  ASSERT_EQ(marks->size(), 128u);
  EXPECT_TRUE(idle_first->isEnabled());
  idle_first->setChecked(true);
  GridView* grid = window_.activations().pane()->grid();
  EXPECT_EQ(grid->view().grid.filters, idle_first_order(*marks));
  // The least active filter first: no filter fires more rarely than it.
  const int first = grid->view().grid.filters.front();
  for (const DatasetMark& mark : *marks) EXPECT_GE(mark.active_fraction, (*marks)[first].active_fraction);
  idle_first->setChecked(false);
  EXPECT_EQ(grid->view().grid.filters.front(), 0);
}

TEST_F(AtlasControllerTest, TheSameScanAgainComesFromTheCache) {
  ASSERT_EQ(scan(200).first, QString());
  const auto [error, cached] = scan(200);
  EXPECT_EQ(error, QString());
  EXPECT_TRUE(cached);
  EXPECT_EQ(window_.atlas().atlas()->dataset_images, 200);
}

// Another card (a resize, another normalization) makes the model see other
// inputs: its scan is not the cached one.
TEST_F(AtlasControllerTest, AnotherCardDoesNotReuseTheCachedAtlas) {
  ASSERT_EQ(scan(100).first, QString());
  ModelCard other = window_.workspace().model()->card();
  other.mean = {0.5f};
  QSignalSpy shown(&window_, &MainWindow::sessionShown);
  window_.open(bundled(), sample_paths().mid(0, 1), other);
  ASSERT_TRUE(shown.wait(60000));
  ASSERT_EQ(window_.workspace().model()->card().mean, std::vector<float>{0.5f});
  const auto [error, cached] = scan(100);
  EXPECT_EQ(error, QString());
  EXPECT_FALSE(cached) << "the atlas of the old card was reused";
  const ModelCard card = window_.workspace().model()->card();
  EXPECT_NE(atlas_cache_path("ab", card, "/d", 100), atlas_cache_path("ab", ModelCard{}, "/d", 100));
}

TEST_F(AtlasControllerTest, BrowsingGoesOnDuringAScanWhichCanBeCancelled) {
  QSignalSpy shown(&window_.atlas(), &AtlasController::atlasShown);
  window_.atlas().scan(fashion_mnist(), 0);  // all 10,000 images: seconds
  QSignalSpy captured(&window_.activations(), &ActivationsController::captureShown);
  window_.session().next_image_action()->trigger();
  ASSERT_TRUE(captured.wait(60000));
  EXPECT_TRUE(shown.isEmpty()) << "the next image waited for the scan";
  window_.findChild<QPushButton*>(QStringLiteral("atlasCancel"))->click();
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_EQ(shown.at(0).at(0).toString(), QStringLiteral("cancelled"));
}

TEST_F(AtlasControllerTest, AnAtlasOfAnotherModelIsRefused) {
  test::TempDir dir;
  Atlas other;
  other.model_path = "other.pt";
  other.model_sha256 = "0123";
  const std::string path = (dir / "atlas.json").string();
  ASSERT_TRUE(write_file_atomically(path, atlas_to_json(other)));
  QSignalSpy shown(&window_.atlas(), &AtlasController::atlasShown);
  {
    const GuiThreadScope gui;  // read and checked on the worker: a read here would fail
    window_.atlas().open_atlas(QString::fromStdString(path));
    ASSERT_TRUE(shown.wait(60000));
  }
  ASSERT_EQ(shown.size(), 1);
  EXPECT_TRUE(shown.at(0).at(0).toString().contains(QStringLiteral("another model")));
  EXPECT_EQ(window_.atlas().atlas(), nullptr);
}

}  // namespace
}  // namespace actscope
