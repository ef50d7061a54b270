// The dataset controller with a worker and a workspace, without a window: a
// dataset image to compare reaches compare mode through the workspace.
#include "ui/controllers/dataset_controller.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <QFileInfo>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include "core/explain/cam.h"
#include "core/session/session.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/dataset_pane.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

class DatasetControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Session session = load_session(test::bundled_model().string(), {sample_paths().at(0).toStdString()});
    ASSERT_TRUE(session.model);
    workspace_.open(session.model, bundled(), session.images);
    test::lay_out_samples_by_class(dir_.path());
  }
  void TearDown() override { delete controller_.pane(); }

  // Loads `path` and waits for its predictions; returns the error ("" when shown).
  QString load(const QString& path) {
    QSignalSpy shown(&controller_, &DatasetController::datasetShown);
    controller_.load(path);
    EXPECT_TRUE(shown.wait(120000));
    return shown.isEmpty() ? QStringLiteral("timeout") : shown.takeFirst().at(0).toString();
  }

  test::TempDir dir_;
  EngineWorker worker_;
  Workspace workspace_;
  DatasetController controller_{workspace_, worker_, nullptr};
};

// A dataset is predicted on the one engine worker a batch at a time: a
// Grad-CAM asked for while the 10,000 Fashion-MNIST images predict comes
// back before the dataset does (it waited behind the whole dataset before).
TEST_F(DatasetControllerTest, ACamAskedForDuringADatasetPredictionFinishesBeforeIt) {
  std::vector<QString> order;
  QObject::connect(&controller_, &DatasetController::datasetShown, &controller_,
                   [&order](const QString&) { order.push_back(QStringLiteral("dataset")); });
  QSignalSpy shown(&controller_, &DatasetController::datasetShown);
  controller_.load(QString::fromStdString(test::fashion_mnist_dir().string()));
  // The open image's Grad-CAM, as the CAM controller asks for it.
  QObject receiver;
  worker_.submit(
      QStringLiteral("cam"), &receiver,
      [model = workspace_.shared_model(), input = workspace_.images().front().input] {
        return compute_cam(*model, {input}, CamOptions{});
      },
      [&order](Result<CamResult> cam) {
        EXPECT_TRUE(cam.ok()) << cam.error();
        order.push_back(QStringLiteral("cam"));
      });
  ASSERT_TRUE(shown.wait(120000));
  ASSERT_EQ(shown.front().at(0).toString(), QString());
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order.front(), QStringLiteral("cam")) << "the CAM waited for the whole dataset";
}

// Regression: only a double-click did anything; a single click now shows the
// image and its prediction.
TEST_F(DatasetControllerTest, ASingleClickShowsTheImageWithItsPredictionAndTheTooltipNamesTheDataset) {
  ASSERT_EQ(load(QString::fromStdString(dir_.path().string())), QString());
  auto* table = controller_.pane()->findChild<QTableView*>(QStringLiteral("datasetTable"));
  ASSERT_NE(table, nullptr);
  controller_.pane()->show();
  QSignalSpy shown(&controller_, &DatasetController::imageShown);
  const QModelIndex second = table->model()->index(1, 1);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(second).center());
  ASSERT_TRUE(shown.wait(60000));
  const int image = controller_.pane()->image_at(1);
  const LoadedImage& current = workspace_.images()[workspace_.current_image()];
  EXPECT_TRUE(table->model()->index(1, 1).data(Qt::ToolTipRole).toString().startsWith(
      QString::fromStdString(current.input.name)));
  EXPECT_TRUE(table->model()->index(1, 1).data(Qt::ToolTipRole).toString().contains(
      QString::fromStdString(dir_.path().string())));
  EXPECT_FALSE(current.top.empty());
  EXPECT_GE(current.true_class, 0);
  EXPECT_GE(image, 0);
  auto* columns = controller_.pane()->findChild<QLabel*>(QStringLiteral("confusionColumnsTitle"));
  auto* rows = controller_.pane()->findChild<QLabel*>(QStringLiteral("confusionRowsTitle"));
  ASSERT_TRUE(columns && rows);
  EXPECT_TRUE(columns->text().contains(QStringLiteral("predicted class")));
  EXPECT_TRUE(rows->text().contains(QStringLiteral("true")));
  auto* matrix = controller_.pane()->findChild<QTableWidget*>(QStringLiteral("confusionMatrix"));
  EXPECT_EQ(matrix->horizontalHeaderItem(5)->toolTip(), QStringLiteral("predicted 5 Sandal"));
}

TEST_F(DatasetControllerTest, ComparedImageAndItsPartnerJoinTheOpenImagesAndAskForCompareMode) {
  ASSERT_EQ(load(QString::fromStdString(dir_.path().string())), QString());
  controller_.pane()->set_filter(true, 6, -1);  // misclassified shirts: only 01236_shirt.png
  ASSERT_EQ(controller_.pane()->visible_count(), 1);
  QSignalSpy requested(&workspace_, &Workspace::compareRequested);
  controller_.compare_image(controller_.pane()->image_at(0));
  ASSERT_TRUE(requested.wait(60000));
  ASSERT_EQ(workspace_.images().size(), 3u);  // the open sample, then A and B
  EXPECT_EQ(workspace_.current_image(), 1);
  const int b = requested.at(0).at(0).toInt();
  ASSERT_EQ(b, 2);
  auto file = [&](int index) {
    return QFileInfo(QString::fromStdString(workspace_.images()[index].input.name)).fileName();
  };
  EXPECT_EQ(file(1), QStringLiteral("01236_shirt.png"));
  EXPECT_EQ(file(2), QStringLiteral("07654_shirt.png"));
  EXPECT_EQ(workspace_.images()[1].true_class, 6);
}

TEST_F(DatasetControllerTest, TheSameModelOpenedAgainKeepsItsPredictions) {
  ASSERT_EQ(load(QString::fromStdString(dir_.path().string())), QString());
  const int listed = controller_.pane()->visible_count();
  ASSERT_GT(listed, 0);
  workspace_.open(workspace_.shared_model(), bundled(), {});
  EXPECT_EQ(controller_.pane()->visible_count(), listed);
  workspace_.open(workspace_.shared_model(), QStringLiteral("/elsewhere/other.pt"), {});
  EXPECT_EQ(controller_.pane()->visible_count(), 0);
}

TEST_F(DatasetControllerTest, AnImageTheDatasetDoesNotHaveIsAnError) {
  QSignalSpy error(&controller_, &DatasetController::errorRaised);
  controller_.compare_image(0);  // nothing predicted yet
  ASSERT_EQ(error.size(), 1);
  EXPECT_EQ(error.at(0).at(1).toString(), QStringLiteral("Open and predict a dataset first."));
}

}  // namespace
}  // namespace actscope
