// The Timeline view: the shipped training run (6 checkpoints of the bundled
// model) followed over Fashion-MNIST's test set when no dataset is open,
// its picture drawn at the view's width and again when the view narrows, a
// click on a checkpoint opening that file as the model (the window title
// says which, the picture marks it), and a folder without checkpoints named.
#include "ui/controllers/timeline_controller.h"

#include <gtest/gtest.h>
#include <QLabel>
#include <QScreen>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/timeline_pane.h"
#include "ui/state/workspace.h"
#include "ui/widgets/timeline_view.h"

namespace actscope {
namespace {

QString run_folder() {
  return QString::fromStdString((test::resource_dir() / "models" / "fashion_run").string());
}

class TimelineControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    window_.findChild<QSpinBox*>(QStringLiteral("timelineLimit"))->setValue(128);
  }

  // Follows `folder` and waits; returns the run's error.
  QString follow(const QString& folder) {
    QSignalSpy shown(&window_.timeline(), &TimelineController::timelineShown);
    window_.open_training_run(folder);
    EXPECT_TRUE(shown.wait(240000)) << "the timeline never came";
    return shown.isEmpty() ? QStringLiteral("timeout") : shown.first().at(0).toString();
  }

  TimelineView* view() { return window_.findChild<TimelineView*>(QStringLiteral("timelineView")); }

  // Shows the window and waits for the picture drawn at the view's width
  // (drawn at the least width while the window was hidden).
  void show_window() {
    window_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
    ASSERT_TRUE(
        QTest::qWaitFor([this] { return view()->picture().image.width == view()->wanted_width(); }, 10000))
        << view()->picture().image.width << " drawn for " << view()->wanted_width();
  }

  MainWindow window_;
};

TEST_F(TimelineControllerTest, TheShippedRunIsDrawnAndAClickOpensThatCheckpointAsTheModel) {
  ASSERT_EQ(follow(run_folder()), QString());
  EXPECT_EQ(window_.current_view(), MainWindow::kTimeline);
  const Timeline& timeline = *window_.timeline().timeline();
  ASSERT_EQ(timeline.checkpoints.size(), 6u);
  EXPECT_EQ(checkpoint_name(timeline.checkpoints.front().path), "step_0000");
  EXPECT_EQ(checkpoint_name(timeline.checkpoints[2].path), "step_0200");
  EXPECT_EQ(checkpoint_name(timeline.checkpoints.back().path), "step_2814");
  EXPECT_EQ(timeline.dataset_images, 128);  // no dataset open: Fashion-MNIST's test set
  EXPECT_GT(timeline.checkpoints.back().accuracy, 0.8);
  EXPECT_LT(timeline.checkpoints.front().accuracy, 0.3);
  for (const TimelineLayer& layer : timeline.checkpoints.back().layers)
    EXPECT_NEAR(layer.cka_to_final, 1.0, 1e-6);
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("timelineSummary"))
                  ->text()
                  .contains(QStringLiteral("128 images")));

  show_window();
  ASSERT_TRUE(view()->has_picture());
  const QPoint point = view()->checkpoint_position(2);
  ASSERT_EQ(view()->checkpoint_at_position(point), 2);
  QSignalSpy opened(&window_, &MainWindow::sessionShown);
  QTest::mouseClick(view(), Qt::LeftButton, Qt::NoModifier, point);
  ASSERT_TRUE(opened.wait(60000));
  EXPECT_EQ(window_.workspace().model_path(), QString::fromStdString(timeline.checkpoints[2].path));
  EXPECT_EQ(window_.windowTitle(), QStringLiteral("actscope - step_0200.pt"));
  EXPECT_EQ(view()->marked(), 2);
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("timelineOpen"))
                  ->text()
                  .contains(QStringLiteral("step_0200")));
  EXPECT_EQ(window_.current_view(), MainWindow::kTimeline);  // a click stays; a double-click browses
  EXPECT_EQ(window_.workspace().images().size(), static_cast<size_t>(sample_paths().size()));
}

TEST_F(TimelineControllerTest, TheTimelineIsDrawnAgainAtTheViewsNewWidth) {
  ASSERT_EQ(follow(run_folder()), QString());
  show_window();
  const int before = view()->picture().image.width;
  QSignalSpy wanted(view(), &TimelineView::pictureWidthWanted);
  window_.resize(window_.width() - 150, window_.height());
  ASSERT_TRUE(wanted.wait(10000));
  EXPECT_EQ(view()->picture().image.width, wanted.last().at(0).toInt());
  EXPECT_EQ(view()->picture().image.width, view()->wanted_width());
  EXPECT_LT(view()->picture().image.width, before);
  EXPECT_EQ(view()->checkpoint_at_position(view()->checkpoint_position(5)), 5);
}

TEST_F(TimelineControllerTest, NeitherTheTimelineNorTheModelsViewWidensTheWindowPastTheScreen) {
  window_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  const int width = window_.width();  // as placed on the screen
  ASSERT_LE(window_.frameGeometry().width(), window_.screen()->availableGeometry().width());
  for (MainWindow::View shown : {MainWindow::kTimeline, MainWindow::kModels, MainWindow::kTimeline}) {
    window_.show_view(shown);
    QTest::qWait(0);  // the layout's pending requests, then the check
    EXPECT_EQ(window_.width(), width) << shown;
    EXPECT_LE(window_.minimumSizeHint().width(), width) << shown;
  }
  ASSERT_EQ(follow(run_folder()), QString());
  EXPECT_EQ(window_.width(), width);
}

TEST_F(TimelineControllerTest, AFolderWithoutCheckpointsIsNamed) {
  test::TempDir empty;
  const QString folder = QString::fromStdString(empty.path().string());
  const QString error = follow(folder);
  EXPECT_TRUE(error.contains(folder)) << error.toStdString();
  EXPECT_FALSE(view()->has_picture());
  EXPECT_EQ(window_.workspace().model_path(), bundled());  // the model stays
}

}  // namespace
}  // namespace actscope
