// The activations controller with a worker and a workspace, without a window.
#include "ui/controllers/activations_controller.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>

#include <cmath>

#include <gtest/gtest.h>
#include <QTest>
#include <QMouseEvent>
#include <nlohmann/json.hpp>
#include <QCheckBox>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>

#include "core/session/session.h"
#include "tests/support/export_support.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/export_controller.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/cam_pane.h"
#include "ui/panes/layer_tree.h"
#include "ui/panes/picture_pane.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

class ActivationsControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> images;
    for (const QString& path : sample_paths().mid(0, 3)) images.push_back(path.toStdString());
    Session session = load_session(test::bundled_model().string(), images);
    ASSERT_TRUE(session.model);
    workspace_.open(session.model, bundled(), session.images);
    grid_ = controller_.pane()->findChild<GridView*>(QStringLiteral("activationGrid"));
    ASSERT_NE(grid_, nullptr);
  }
  void TearDown() override {
    // The panes belong to whoever shows them; here, to the test.
    for (QWidget* pane : std::initializer_list<QWidget*>{controller_.tree(), controller_.pane(),
                                                         controller_.weights(), controller_.enlarged()}) {
      delete pane;
    }
  }

  // Makes `index` the current image and waits for its capture.
  void capture(int index) {
    QSignalSpy captured(&controller_, &ActivationsController::captureShown);
    workspace_.set_current_image(index);
    ASSERT_TRUE(captured.wait(60000));
  }

  EngineWorker worker_;
  Workspace workspace_;
  ActivationsController controller_{workspace_, worker_, nullptr};
  GridView* grid_ = nullptr;
};

TEST_F(ActivationsControllerTest, FirstCaptureShowsTheFirstLayerWithMapsThenBrowsingOnlyRenders) {
  capture(0);
  EXPECT_EQ(workspace_.current_layer(), QStringLiteral("conv1"));
  EXPECT_EQ(grid_->tile_count(), 32);
  ASSERT_TRUE(controller_.select_layer(QStringLiteral("conv3")));
  EXPECT_EQ(grid_->tile_count(), 64);  // drawn at once: no job on the worker
  controller_.step_layer(1);
  EXPECT_EQ(workspace_.current_layer(), QStringLiteral("bn3"));
  EXPECT_FALSE(controller_.select_layer(QStringLiteral("no such layer")));
  EXPECT_EQ(workspace_.current_layer(), QStringLiteral("bn3"));
}

TEST_F(ActivationsControllerTest, CaptureOfAnImageTheUserLeftIsNotShown) {
  QSignalSpy captured(&controller_, &ActivationsController::captureShown);
  workspace_.set_current_image(0);
  workspace_.set_current_image(1);  // before image 0's capture arrives
  ASSERT_TRUE(captured.wait(60000));
  EXPECT_EQ(workspace_.capture_image(), 1);
  capture(2);  // later results arrive in order: image 0's would have come before
  EXPECT_EQ(captured.size(), 2);
  EXPECT_EQ(workspace_.capture_image(), 2);
}

TEST_F(ActivationsControllerTest, EnlargingAFilterShowsItOverTheImageOnItsPage) {
  capture(0);
  QSignalSpy page(&controller_, &ActivationsController::pageRequested);
  controller_.enlarge_filter(3);
  ASSERT_EQ(page.size(), 1);
  EXPECT_EQ(page.at(0).at(0).value<QWidget*>(), controller_.enlarged());
  auto* picture = controller_.enlarged()->findChild<QLabel*>(QStringLiteral("enlargedView"));
  EXPECT_FALSE(picture->pixmap().isNull());
  EXPECT_TRUE(picture->toolTip().startsWith(QStringLiteral("conv1 filter 3 on ")))
      << picture->toolTip().toStdString();
  EXPECT_TRUE(picture->toolTip().contains(QStringLiteral("raw min"))) << picture->toolTip().toStdString();
}

// Regression: the Enlarged filter tab kept an old filter after the layer or
// image changed.
TEST_F(ActivationsControllerTest, TheEnlargedFilterFollowsTheLayerAndTheImageOrSaysItHasNone) {
  capture(0);
  controller_.enlarge_filter(40);  // conv1 has 32 filters: nothing
  controller_.select_layer(QStringLiteral("conv3"));
  controller_.enlarge_filter(40);
  auto* picture = controller_.enlarged()->findChild<QLabel*>(QStringLiteral("enlargedView"));
  ASSERT_TRUE(picture->toolTip().startsWith(QStringLiteral("conv3 filter 40 on "))) << picture->toolTip().toStdString();
  const QString first_image = QFileInfo(QString::fromStdString(workspace_.images()[0].input.name)).fileName();
  EXPECT_TRUE(picture->toolTip().contains(first_image));

  capture(1);  // another image: the same filter of it
  const QString second_image = QFileInfo(QString::fromStdString(workspace_.images()[1].input.name)).fileName();
  EXPECT_TRUE(picture->toolTip().contains(second_image)) << picture->toolTip().toStdString();

  controller_.select_layer(QStringLiteral("conv1"));  // 32 filters: 40 is not there
  EXPECT_TRUE(picture->pixmap().isNull());
  EXPECT_TRUE(picture->text().contains(QStringLiteral("Filter 40 is not in conv1"))) << picture->text().toStdString();
}

// The Weights tab: hovering a tile gives its weight (conv2's 32 inputs: the
// mean over them, as the tile is drawn), a double-click shows that filter's
// 32 input kernels and another every filter again.
TEST_F(ActivationsControllerTest, WeightsTellTheirValueOnHoverAndADoubleClickShowsAFiltersKernels) {
  capture(0);
  ASSERT_TRUE(controller_.select_layer(QStringLiteral("conv2")));
  PicturePane* weights = controller_.weights();
  weights->resize(600, 500);
  weights->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(weights));
  controller_.set_current_page(weights);
  auto* label = weights->findChild<QLabel*>(QStringLiteral("weightsView"));
  ASSERT_NE(label, nullptr);
  ASSERT_TRUE(QTest::qWaitFor([label] { return !label->pixmap().isNull(); }, 60000));
  // Finds the first point whose read-out names `prefix`, moving the mouse over the picture.
  auto hover_until = [label](const QString& prefix) {
    const QSize size = label->pixmap().deviceIndependentSize().toSize();
    for (int y = 0; y < size.height(); y += 2) {
      for (int x = 0; x < size.width(); x += 2) {
        QMouseEvent move(QEvent::MouseMove, QPointF(x, y), label->mapToGlobal(QPointF(x, y)), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(label, &move);
        if (label->toolTip().startsWith(prefix)) return QPoint(x, y);
      }
    }
    return QPoint(-1, -1);
  };
  QSignalSpy status(&controller_, &Controller::statusChanged);
  const QPoint tile = hover_until(QStringLiteral("filter 0  row 0, column 0"));
  ASSERT_NE(tile, QPoint(-1, -1)) << "no read-out over filter 0";
  // Filter 0's first kernel cell is the picture's first tile, at its top left
  // under the caption: the read-out belongs to the place the mouse is.
  const QSize shown = label->pixmap().deviceIndependentSize().toSize();
  EXPECT_LT(tile.x(), shown.width() / 8) << tile.x();
  EXPECT_LT(tile.y(), shown.height() / 3) << tile.y();
  const FloatArray kernel = workspace_.model()->conv_weights("conv2").value();
  ASSERT_EQ(kernel.shape()[1], 32);
  double mean = 0.0;
  for (int c = 0; c < 32; ++c) mean += kernel.data()[c * 9];  // filter 0, input c, row 0, column 0
  mean /= 32.0;
  const QString said = label->toolTip().section(QStringLiteral("mean of 32 inputs = "), 1).section(QLatin1Char(' '), 0, 0);
  bool number = false;
  EXPECT_NEAR(said.toDouble(&number), mean, 1e-3 * std::max(1.0, std::abs(mean))) << label->toolTip().toStdString();
  EXPECT_TRUE(number) << label->toolTip().toStdString();
  ASSERT_FALSE(status.isEmpty());
  EXPECT_TRUE(status.last().at(0).toString().startsWith(QStringLiteral("conv2: filter 0")));

  const QSize all_filters = label->pixmap().size();
  QTest::mouseDClick(label, Qt::LeftButton, {}, tile);
  ASSERT_TRUE(QTest::qWaitFor([label, all_filters] { return !label->pixmap().isNull() && label->pixmap().size() != all_filters; }, 60000));
  EXPECT_NE(hover_until(QStringLiteral("filter 0, input 31")), QPoint(-1, -1)) << "filter 0's 32 input kernels";
  QTest::mouseDClick(label, Qt::LeftButton, {}, QPoint(4, 4));
  ASSERT_TRUE(QTest::qWaitFor([label, all_filters] { return label->pixmap().size() == all_filters; }, 60000));
}

TEST_F(ActivationsControllerTest, ALogitLayersTilesAreNamedWithTheCardsClassesAndNumbersCanBeShown) {
  capture(0);
  ASSERT_TRUE(controller_.select_layer(QStringLiteral("fc")));
  ASSERT_EQ(grid_->tile_count(), 10);
  EXPECT_EQ(grid_->filter_label(5), QStringLiteral("5 Sandal"));
  const QPoint first_tile = grid_->tile_rect(0).center();
  const QString hover = grid_->describe(first_tile);
  EXPECT_TRUE(hover.startsWith(QStringLiteral("filter 0 T-shirt/top"))) << hover.toStdString();
  ASSERT_TRUE(controller_.select_layer(QStringLiteral("conv1")));
  EXPECT_EQ(grid_->filter_label(5), QStringLiteral("5"));  // not a logit layer: numbers only

  auto* numbers = controller_.pane()->findChild<QCheckBox*>(QStringLiteral("filterNumbers"));
  ASSERT_NE(numbers, nullptr);
  EXPECT_FALSE(grid_->shows_labels());
  numbers->setChecked(true);
  EXPECT_TRUE(grid_->shows_labels());
}

TEST_F(ActivationsControllerTest, ExportedGridIsTheGridOnScreen) {
  test::TempDir dir;
  const QString path = QString::fromStdString((dir / "grid.png").string());
  EXPECT_FALSE(test::exported(controller_, path, [&] { controller_.export_grid(path); }).ok());  // nothing captured yet
  capture(0);
  auto done = test::exported(controller_, path, [&] { controller_.export_grid(path); });
  ASSERT_TRUE(done.ok()) << done.error();
  const RgbImage& shown = grid_->view().grid.image;
  const QImage written = QImage(path).convertToFormat(QImage::Format_RGB888);
  ASSERT_EQ(written.size(), QSize(shown.width, shown.height));
  for (int y = 0; y < shown.height; ++y) {
    ASSERT_EQ(std::memcmp(written.constScanLine(y), shown.pixels.data() + static_cast<size_t>(y) * shown.width * 3,
                          static_cast<size_t>(shown.width) * 3),
              0)
        << "row " << y;
  }
}

// The window's exports into a folder that cannot exist (under a regular
// file, which holds for root too) or onto a full disk (/dev/full) fail with
// a message naming the path and the cause, and create nothing.
TEST_F(ActivationsControllerTest, ExportsThatCannotBeWrittenSayWhereAndWhy) {
  CamController cam(workspace_, worker_, nullptr);
  std::unique_ptr<CamPane> pane(cam.pane());
  QSignalSpy shown(&cam, &CamController::camShown);
  capture(0);
  ASSERT_TRUE(shown.wait(60000));
  test::TempDir dir;
  test::write_file(dir / "a_file", "x");
  const QString inside = QString::fromStdString((dir / "a_file" / "out").string());
  const auto grid_to = [&](const QString& path) {
    return test::exported(controller_, path, [&] { controller_.export_grid(path); });
  };
  const auto cam_to = [&](const QString& path) { return test::exported(cam, path, [&] { cam.export_cam(path); }); };
  for (const Status& done : {grid_to(inside + "/grid.png"), cam_to(inside + "/cam.png")}) {
    ASSERT_FALSE(done.ok());
    EXPECT_NE(done.error().find(inside.toStdString()), std::string::npos) << done.error();
  }
  for (const Status& done : {grid_to(QStringLiteral("/dev/full")), cam_to(QStringLiteral("/dev/full"))}) {
    ASSERT_FALSE(done.ok());
    EXPECT_NE(done.error().find("/dev/full: cannot write (No space left on device)"), std::string::npos)
        << done.error();
  }
  ExportController exporter(workspace_, worker_, nullptr);
  QSignalSpy finished(&exporter, &ExportController::exportFinished);
  exporter.export_all_layers(inside);
  ASSERT_TRUE(finished.wait(60000));
  const std::string error = finished.front().front().toString().toStdString();
  EXPECT_NE(error.find(inside.toStdString() + ": no such folder"), std::string::npos) << error;
  EXPECT_EQ(std::filesystem::directory_iterator(dir.path())->path().filename(), "a_file");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()), 1);
}

// Every layer exported onto a disk that fills up (a 4 KB file-size limit, as
// `ulimit -f 4`): the export says which file and why, leaves no temporary
// or half-written file, and writes no manifest listing a missing file.
TEST_F(ActivationsControllerTest, ExportAllLayersOntoAFullDiskLeavesNoPartialFile) {
  capture(0);
  test::TempDir dir;
  ExportController exporter(workspace_, worker_, nullptr);
  QSignalSpy finished(&exporter, &ExportController::exportFinished);
  {
    test::FileSizeLimit limit(4096);
    exporter.export_all_layers(QString::fromStdString(dir.path().string()));
    ASSERT_TRUE(finished.wait(60000));
  }
  const std::string error = finished.front().front().toString().toStdString();
  EXPECT_NE(error.find(dir.path().string() + "/"), std::string::npos) << error;
  EXPECT_NE(error.find("File too large"), std::string::npos) << error;
  EXPECT_EQ(test::partial_files_in(dir.path()), std::vector<std::string>{});
  if (std::filesystem::exists(dir / "manifest.json")) {
    const auto manifest = nlohmann::json::parse(test::read_file(dir / "manifest.json"));
    for (const auto& layer : manifest["layers"]) EXPECT_TRUE(std::filesystem::exists(dir / layer["png"].get<std::string>()));
  }
}

TEST_F(ActivationsControllerTest, CamControllerComputesTheCamOfEachCapture) {
  CamController cam(workspace_, worker_, nullptr);
  std::unique_ptr<CamPane> pane(cam.pane());
  QSignalSpy shown(&cam, &CamController::camShown);
  capture(0);
  ASSERT_TRUE(shown.wait(60000));
  test::TempDir dir;
  const QString path = QString::fromStdString((dir / "cam.png").string());
  auto written = test::exported(cam, path, [&] { cam.export_cam(path); });
  ASSERT_TRUE(written.ok()) << written.error();
  EXPECT_GE(std::min(QImage(path).width(), QImage(path).height()), 224);  // enlarged (see CamControllerTest)
  EXPECT_EQ(shown.size(), 1);
}

}  // namespace
}  // namespace actscope
