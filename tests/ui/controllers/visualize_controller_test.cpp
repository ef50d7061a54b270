// Feature visualization in the window: the Filters view shows the image
// synthesized for the chosen filter of the bundled model, the very pixels
// visualize() gives for the same options (called here on a thread of the
// test, with a model of its own), and a second choice of the filter shows it
// from the cache without a new run; Visualize Layer fills the grid, whose
// tiles then serve the panels; the top dataset image of a scan carries the
// objective objective_on_image gives; Cancel stops a run.
#include "ui/controllers/visualize_controller.h"

#include <future>

#include <gtest/gtest.h>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>

#include "core/atlas/atlas.h"
#include "core/base/gui_thread.h"
#include "core/data/dataset.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/atlas_controller.h"
#include "ui/panes/filters_pane.h"
#include "ui/panes/picture_pane.h"
#include "ui/panes/visualization_pane.h"
#include "ui/panes/visualize_layer_pane.h"
#include "ui/state/workspace.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

const QString kLayer = QStringLiteral("relu3");
constexpr int kSteps = 6;  // a user gets 512; the tests need the path, not the quality

class VisualizeControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    ASSERT_TRUE(window_.activations().select_layer(kLayer));
    window_.findChild<QSpinBox*>(QStringLiteral("visualizeSteps"))->setValue(kSteps);
  }

  VisualizeController& controller() { return window_.visualize(); }
  VisualizationPane* filters_panel() { return controller().filters_panel(); }
  QString text(const char* name) { return window_.findChild<QLabel*>(QString::fromLatin1(name))->text(); }

  // Chooses `filter` in the Filters view and waits until its image is shown.
  void choose_and_wait(int filter) {
    QSignalSpy shown(&controller(), &VisualizeController::filterShown);
    window_.workspace().choose_filter(filter);
    if (shown.isEmpty()) {
      ASSERT_TRUE(shown.wait(60000)) << "filter " << filter << " was never shown";
    }
    EXPECT_EQ(shown.last().at(0).toInt(), filter);
  }

  // visualize() on a thread of its own with a model of its own.
  static FilterVisualization expected(const VisualizeOptions& options, int filter) {
    VisualizeOptions one = options;
    one.filters = {filter};
    auto images = std::async(std::launch::async, [&]() -> Result<std::vector<FilterVisualization>> {
                    auto model = Model::load(test::bundled_model().string());
                    if (!model) return Error{model.error()};
                    return visualize(*model.value(), one);
                  }).get();
    EXPECT_TRUE(images) << images.error();
    return images ? images.value().front() : FilterVisualization{};
  }

  MainWindow window_;
};

TEST_F(VisualizeControllerTest, TheFiltersViewShowsTheImageVisualizeGivesAndCachesIt) {
  const GuiThreadScope gui;  // a model run on the GUI thread would fail
  window_.show_view(MainWindow::kFilters);
  QSignalSpy started(&controller(), &VisualizeController::runStarted);
  choose_and_wait(3);
  ASSERT_EQ(started.size(), 1);
  EXPECT_EQ(started.first().at(0).toString(), kLayer);
  EXPECT_TRUE(text("visualizeFiltersTitle").contains(QStringLiteral("relu3 filter 3")));

  // The same pixels as visualize() for the same options (seed 0): nothing
  // stale, nothing of another filter.
  const FilterVisualization direct = expected(controller().options(kLayer), 3);
  const RgbImage& shown = filters_panel()->synthesized();
  ASSERT_EQ(shown.width, 28);
  ASSERT_EQ(shown.height, 28);
  EXPECT_EQ(shown.pixels, direct.image.pixels);
  EXPECT_TRUE(text("visualizeFiltersSynthesizedCaption").contains(QString::number(direct.objective, 'g', 4)))
      << text("visualizeFiltersSynthesizedCaption").toStdString();
  // Enlarged by whole pixels, large enough to see.
  const QPixmap picture = window_.findChild<QLabel*>(QStringLiteral("visualizeFiltersSynthesized"))->pixmap();
  EXPECT_GE(picture.width(), 112);
  EXPECT_EQ(picture.width() % 28, 0);

  choose_and_wait(5);
  EXPECT_EQ(started.size(), 2);
  EXPECT_NE(filters_panel()->synthesized().pixels, direct.image.pixels);

  choose_and_wait(3);  // from the cache: shown at once, no new run
  EXPECT_EQ(started.size(), 2);
  EXPECT_EQ(filters_panel()->synthesized().pixels, direct.image.pixels);

  // The Enlarged filter tab shows the same image of the same filter, from the cache.
  QSignalSpy enlarged_shown(&controller(), &VisualizeController::filterShown);
  window_.activations().enlarge_filter(3);
  EXPECT_EQ(window_.current_page(), static_cast<QWidget*>(window_.activations().enlarged()));
  EXPECT_FALSE(enlarged_shown.isEmpty());
  EXPECT_EQ(controller().enlarged_panel()->synthesized().pixels, direct.image.pixels);
  EXPECT_EQ(started.size(), 2);
}

TEST_F(VisualizeControllerTest, VisualizeLayerFillsTheGridWhoseTilesServeThePanels) {
  const GuiThreadScope gui;
  window_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  const int filters = static_cast<int>(window_.workspace().layer_info(kLayer)->shape[1]);
  QSignalSpy started(&controller(), &VisualizeController::runStarted);
  QSignalSpy done(&controller(), &VisualizeController::layerShown);
  auto* button = window_.findChild<QToolButton*>(QStringLiteral("visualizeLayerActionButton"));
  ASSERT_NE(button, nullptr);
  button->click();
  EXPECT_EQ(window_.current_view(), MainWindow::kFilters);
  auto* tabs = window_.findChild<QTabWidget*>(QStringLiteral("filtersTabs"));
  EXPECT_EQ(tabs->currentWidget(), static_cast<QWidget*>(controller().layer_pane()));
  ASSERT_TRUE(done.wait(120000));
  EXPECT_EQ(done.first().at(0).toString(), QString());
  ASSERT_EQ(started.size(), 1);
  EXPECT_EQ(started.first().at(1).toInt(), filters);

  GridView* grid = controller().layer_pane()->grid();
  ASSERT_EQ(grid->tile_count(), filters);
  for (int filter = 0; filter < filters; ++filter)
    ASSERT_NE(controller().cached(kLayer, filter), nullptr) << filter;
  EXPECT_TRUE(grid->describe(grid->tile_rect(7).center()).startsWith(QStringLiteral("filter 7")));

  // A tile chooses its filter: the panel shows the grid's image, no new run.
  QSignalSpy shown(&controller(), &VisualizeController::filterShown);
  QTest::mouseClick(grid, Qt::LeftButton, Qt::NoModifier, grid->tile_rect(7).center());
  EXPECT_EQ(window_.workspace().chosen_filter(), 7);
  ASSERT_FALSE(shown.isEmpty());
  EXPECT_EQ(shown.last().at(0).toInt(), 7);
  EXPECT_EQ(filters_panel()->synthesized().pixels, controller().cached(kLayer, 7)->image.pixels);
  EXPECT_EQ(started.size(), 1);

  // The tile the grid shows selected without a choice (after another layer)
  // chooses its filter when clicked.
  window_.workspace().set_current_layer(QStringLiteral("relu4"));
  window_.workspace().set_current_layer(kLayer);
  ASSERT_EQ(window_.workspace().chosen_filter(), -1);
  const int selected = grid->selected_filter();  // tiles are in filter order
  ASSERT_GE(selected, 0);
  QTest::mouseClick(grid, Qt::LeftButton, Qt::NoModifier, grid->tile_rect(selected).center());
  EXPECT_EQ(window_.workspace().chosen_filter(), selected);
  EXPECT_EQ(filters_panel()->synthesized().pixels, controller().cached(kLayer, selected)->image.pixels);

  button->click();  // everything cached: nothing to run
  EXPECT_EQ(started.size(), 1);
}

TEST_F(VisualizeControllerTest, TheTopImageCarriesTheObjectiveOfObjectiveOnImage) {
  QSignalSpy scanned(&window_.atlas(), &AtlasController::atlasShown);
  window_.atlas().scan(QString::fromStdString(test::fashion_mnist_dir().string()), 100);
  ASSERT_TRUE(scanned.wait(120000));
  ASSERT_EQ(scanned.first().at(0).toString(), QString());
  window_.show_view(MainWindow::kFilters);
  QSignalSpy top_shown(&controller(), &VisualizeController::topImageShown);
  window_.atlas().pane()->select_filter(2);  // a row of the table chooses the filter
  EXPECT_EQ(window_.workspace().chosen_filter(), 2);
  ASSERT_TRUE(top_shown.wait(60000));
  EXPECT_EQ(top_shown.last().at(0).toInt(), 2);

  const Atlas& atlas = *window_.workspace().atlas();
  const TopUnit* top = nullptr;
  for (const LayerStats& layer : atlas.layers) {
    if (layer.name == kLayer.toStdString()) top = &layer.filters[2].top.front();
  }
  ASSERT_NE(top, nullptr);
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model);
  auto dataset = open_dataset(atlas.dataset_path, model.value()->card());
  ASSERT_TRUE(dataset);
  auto input = dataset.value().input(static_cast<size_t>(top->image), model.value()->card());
  ASSERT_TRUE(input);
  // Independently of objective_on_image's path (which stops at the layer):
  // filter 2's mean over its map in the ordinary capture of that image.
  CaptureOptions only_layer;
  only_layer.layers = {kLayer.toStdString()};
  auto captured = std::async(std::launch::async, [&] {
                    return model.value()->capture({input.value()}, only_layer);
                  }).get();
  ASSERT_TRUE(captured) << captured.error();
  const FloatArray* maps = nullptr;
  for (const auto& activation : captured.value().activations) {
    if (activation.name == kLayer.toStdString()) maps = &activation.values;
  }
  ASSERT_NE(maps, nullptr);
  const int64_t area = maps->shape()[2] * maps->shape()[3];
  double sum = 0.0;
  for (int64_t i = 0; i < area; ++i) sum += (*maps)[2 * area + i];
  const double expected = sum / static_cast<double>(area);
  const QString caption = text("visualizeFiltersTopCaption");
  EXPECT_TRUE(caption.contains(QString::fromStdString(top->name))) << caption.toStdString();
  const QString shown = caption.section(QStringLiteral("mean of filter 2: "), 1).section(QLatin1Char('\n'), 0, 0);
  bool number = false;
  const double value = shown.toDouble(&number);
  ASSERT_TRUE(number) << caption.toStdString();
  EXPECT_NEAR(value, expected, 1e-3 * std::max(1.0, std::abs(expected))) << caption.toStdString();
}

TEST_F(VisualizeControllerTest, CancelStopsALayerRunAndAFilterRun) {
  window_.findChild<QSpinBox*>(QStringLiteral("visualizeSteps"))->setValue(100000);  // hours if not stopped
  QSignalSpy done(&controller(), &VisualizeController::layerShown);
  controller().visualize_layer();
  window_.findChild<QPushButton*>(QStringLiteral("visualizeLayerCancel"))->click();
  ASSERT_TRUE(done.wait(60000));
  EXPECT_EQ(done.first().at(0).toString(), QStringLiteral("cancelled"));
  EXPECT_EQ(controller().cached(kLayer, 0), nullptr);

  window_.show_view(MainWindow::kFilters);
  QSignalSpy failed(&controller(), &VisualizeController::filterFailed);
  QSignalSpy started(&controller(), &VisualizeController::runStarted);
  window_.workspace().choose_filter(1);
  ASSERT_EQ(started.size(), 1);
  window_.findChild<QPushButton*>(QStringLiteral("visualizeFiltersCancel"))->click();
  ASSERT_EQ(failed.size(), 1);
  EXPECT_EQ(failed.first().at(1).toString(), QStringLiteral("cancelled"));
  EXPECT_TRUE(filters_panel()->synthesized().pixels.empty());

  // The worker is free again: a run with few steps comes through.
  window_.findChild<QSpinBox*>(QStringLiteral("visualizeSteps"))->setValue(kSteps);
  choose_and_wait(4);
  EXPECT_EQ(filters_panel()->synthesized().width, 28);
}

// A filter's run gives way: a capture asked for meanwhile comes at once,
// not after the run, which then goes on.
TEST_F(VisualizeControllerTest, ACaptureAskedForDuringARunDoesNotWaitForIt) {
  window_.findChild<QSpinBox*>(QStringLiteral("visualizeSteps"))->setValue(100000);  // hours
  window_.show_view(MainWindow::kFilters);
  QSignalSpy started(&controller(), &VisualizeController::runStarted);
  QSignalSpy failed(&controller(), &VisualizeController::filterFailed);
  window_.workspace().choose_filter(1);
  ASSERT_EQ(started.size(), 1);
  QSignalSpy captured(&window_.activations(), &ActivationsController::captureShown);
  window_.workspace().set_current_image(3);
  ASSERT_TRUE(captured.wait(30000));
  EXPECT_EQ(window_.workspace().capture_image(), 3);
  EXPECT_TRUE(failed.isEmpty());
  EXPECT_TRUE(filters_panel()->synthesized().pixels.empty());  // still optimizing
  EXPECT_EQ(started.size(), 1);
}

}  // namespace
}  // namespace actscope

namespace actscope {
namespace {

// A filter's run that gives way goes on from the step it stopped at (no step
// is run twice) and ends with the bytes of an uninterrupted visualize().
TEST(VisualizeJobTest, ARunThatGivesWayGoesOnWhereItStoppedAndEndsAsOneUninterrupted) {
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model);
  VisualizeOptions options;
  options.layer = kLayer.toStdString();
  options.steps = 40;
  std::async(std::launch::async, [&] {
    std::vector<int64_t> steps_seen;
    auto progress = [&](int64_t done, int64_t) {
      steps_seen.push_back(done);
      return true;
    };
    PausedRun paused;
    int gave_way = 0;
    Result<FilterVisualization> result = Error{""};
    for (int stop : {7, 19, 33, -1}) {  // foreground work waits after these steps
      result = visualize_filter(*model.value(), options, 5, progress,
                                [&] { return stop >= 0 && steps_seen.back() >= stop; }, paused);
      if (stop >= 0) {
        ASSERT_FALSE(result);
        ASSERT_EQ(result.error(), kGaveWay);
        ++gave_way;
      }
    }
    ASSERT_TRUE(result) << result.error();
    EXPECT_EQ(gave_way, 3);
    std::vector<int64_t> once(40);
    for (int i = 0; i < 40; ++i) once[i] = i + 1;
    EXPECT_EQ(steps_seen, once);
    options.filters = {5};
    auto direct = visualize(*model.value(), options);
    ASSERT_TRUE(direct) << direct.error();
    EXPECT_EQ(result.value().image.pixels, direct.value().front().image.pixels);
    EXPECT_EQ(result.value().objective, direct.value().front().objective);
  }).get();
}

}  // namespace
}  // namespace actscope
