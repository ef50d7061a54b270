// The All Methods view's faithfulness table in the window: its numbers are
// those of core's measure_images (and, over a dataset, of summarize() of
// measure_dataset) computed here on a second model, the best of each column
// is marked, a changed class clears the table, Cancel stops a dataset run.
#include "ui/controllers/faithfulness_controller.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <gtest/gtest.h>
#include <QHeaderView>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

#include "core/data/dataset.h"
#include "core/faithfulness/faithfulness_run.h"
#include "core/model/image_input.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/faithfulness_job.h"
#include "ui/panes/cam_methods_view.h"
#include "ui/panes/cam_pane.h"
#include "ui/panes/faithfulness_pane.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

// The layer the global average pool reads: every method, CAM too, has a map there.
const QString kLayer = QStringLiteral("relu5");

class FaithfulnessControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    QSignalSpy cam_shown(&window_.cam(), &CamController::camShown);
    ASSERT_TRUE(window_.activations().select_layer(kLayer));
    ASSERT_TRUE(cam_shown.wait(60000));
  }

  // Opens the All Methods view and waits for the current image's table.
  void measure_image() {
    window_.cam().show_all_methods();
    ASSERT_NE(window_.cam().faithfulness(), nullptr);
    QSignalSpy measured(window_.cam().faithfulness(), &FaithfulnessController::imageMeasured);
    ASSERT_TRUE(measured.wait(300000));
    ASSERT_EQ(measured.at(0).at(0).toString(), QString());
  }

  // Opens Fashion-MNIST's test set in the window and waits for its predictions.
  void open_fashion_mnist() {
    QSignalSpy shown(&window_, &MainWindow::datasetShown);
    window_.load_dataset(QString::fromStdString(test::fashion_mnist_dir().string()));
    ASSERT_TRUE(shown.wait(300000));
    ASSERT_EQ(shown.at(0).at(0).toString(), QString());
  }

  QTableWidget* table() { return window_.findChild<QTableWidget*>(QStringLiteral("faithfulnessTable")); }

  MainWindow window_;
};

// The row names of the table: the methods, "random (baseline)" last.
std::vector<std::string> methods_of(QTableWidget* table) {
  std::vector<std::string> names;
  for (int row = 0; row < table->rowCount(); ++row) {
    const QString name = table->verticalHeaderItem(row)->text();
    names.push_back(name == FaithfulnessPane::tr("random (baseline)") ? std::string(kRandomMethod)
                                                                      : name.toStdString());
  }
  return names;
}

double cell(QTableWidget* table, int row, int column) {
  return table->item(row, column)->data(Qt::UserRole).toDouble();
}

// Of each column, the rows whose value is the best one as the table prints
// it (three decimals), computed from the numbers themselves (none when
// every row prints the same).
std::vector<std::set<int>> best_from_numbers(QTableWidget* table) {
  std::vector<std::set<int>> best(static_cast<size_t>(table->columnCount()));
  for (int column = 0; column < table->columnCount(); ++column) {
    std::vector<double> values;
    for (int row = 0; row < table->rowCount(); ++row)
      values.push_back(QString::number(cell(table, row, column), 'f', 3).toDouble());
    const double low = *std::min_element(values.begin(), values.end());
    const double high = *std::max_element(values.begin(), values.end());
    if (low == high) continue;
    const double target = higher_is_better(static_cast<size_t>(column)) ? high : low;
    for (int row = 0; row < table->rowCount(); ++row) {
      if (values[static_cast<size_t>(row)] == target) best[static_cast<size_t>(column)].insert(row);
    }
  }
  return best;
}

TEST_F(FaithfulnessControllerTest, TheTableFillsForTheCurrentImageWithTheNumbersOfADirectMeasurement) {
  measure_image();
  QTableWidget* rows = table();
  ASSERT_NE(rows, nullptr);
  const std::vector<std::string> methods = methods_of(rows);
  ASSERT_EQ(methods, every_faithfulness_method()) << "every method of the bundled model can be measured";
  ASSERT_EQ(rows->columnCount(), static_cast<int>(faithfulness_metrics().size()));
  EXPECT_TRUE(rows->horizontalHeaderItem(0)->text().contains(QStringLiteral("Deletion")));
  EXPECT_TRUE(rows->horizontalHeaderItem(0)->text().contains(QStringLiteral("↓ better")));

  // The second path: another Model, the image read again from its file.
  auto model = test::load_bundled_model();
  const Workspace& workspace = window_.workspace();
  auto input = load_image(workspace.images()[workspace.current_image()].input.name, model->card());
  ASSERT_TRUE(input.ok()) << input.error();
  FaithfulnessRunOptions options;
  options.methods = every_faithfulness_method();
  options.cam.layers = {kLayer.toStdString()};
  auto direct = measure_images(*model, {input.value()}, {0}, {0}, options);
  ASSERT_TRUE(direct.ok()) << direct.error();
  const ImageFaithfulness& expected = direct.value().front();
  EXPECT_EQ(window_.cam().faithfulness()->image_result()->target_class, expected.target_class);
  for (int row = 0; row < rows->rowCount(); ++row) {
    for (int column = 0; column < rows->columnCount(); ++column) {
      const double shown = cell(rows, row, column);
      EXPECT_TRUE(std::isfinite(shown)) << methods[row] << " column " << column;
      // One method at a time in the window, all at once here: the perturbed
      // images meet other batch neighbours, so equal within float rounding.
      EXPECT_NEAR(shown,
                  metric_value(expected.methods[static_cast<size_t>(row)], static_cast<size_t>(column)), 1e-5)
          << methods[row] << " " << faithfulness_metrics()[static_cast<size_t>(column)];
    }
  }
  const auto* shown = window_.cam().methods_view()->faithfulness()->shown();
  ASSERT_NE(shown, nullptr);
  EXPECT_TRUE(shown->caption.startsWith(QStringLiteral("This image")));
}

// A method without a map at the layer is left out (its row absent, the
// caption says why); the rest are measured.
TEST_F(FaithfulnessControllerTest, AMethodThatCannotBeComputedIsLeftOutWithItsReason) {
  QSignalSpy cam_shown(&window_.cam(), &CamController::camShown);
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("relu4")));
  ASSERT_TRUE(cam_shown.wait(60000));
  measure_image();
  std::vector<std::string> expected = every_faithfulness_method();
  expected.erase(std::find(expected.begin(), expected.end(), "cam"));
  EXPECT_EQ(methods_of(table()), expected);
  const auto* shown = window_.cam().methods_view()->faithfulness()->shown();
  ASSERT_NE(shown, nullptr);
  EXPECT_TRUE(shown->caption.contains(QStringLiteral("Left out: cam:"))) << shown->caption.toStdString();
}

TEST_F(FaithfulnessControllerTest, TheBestMarkSitsOnTheBestValueOfEachColumn) {
  measure_image();
  QTableWidget* rows = table();
  const auto best = best_from_numbers(rows);
  int marked_cells = 0;
  for (int column = 0; column < rows->columnCount(); ++column) {
    for (int row = 0; row < rows->rowCount(); ++row) {
      QTableWidgetItem* item = rows->item(row, column);
      const bool expected = best[static_cast<size_t>(column)].count(row) > 0;
      const bool marked = item->text().startsWith(QStringLiteral("★"));
      EXPECT_EQ(marked, expected) << "row " << row << " column " << column << ": "
                                  << item->text().toStdString();
      EXPECT_EQ(item->font().bold(), expected) << "row " << row << " column " << column;
      marked_cells += marked;
    }
  }
  EXPECT_GT(marked_cells, 0);
}

TEST_F(FaithfulnessControllerTest, AnotherClassClearsTheImagesTable) {
  measure_image();
  ASSERT_GT(table()->rowCount(), 0);
  QSignalSpy cam_shown(&window_.cam(), &CamController::camShown);
  window_.cam().pane()->set_target_class(0);
  ASSERT_TRUE(cam_shown.wait(60000));
  EXPECT_EQ(table()->rowCount(), 0) << "the table still showed the numbers of the predicted class";
  EXPECT_FALSE(window_.cam().faithfulness()->image_result().has_value());
}

TEST_F(FaithfulnessControllerTest, OverTheDatasetShowsTheMeansAndSpreadsOfADirectMeasureDataset) {
  measure_image();
  auto* button = window_.findChild<QPushButton*>(QStringLiteral("faithfulnessOverDataset"));
  ASSERT_NE(button, nullptr);
  EXPECT_FALSE(button->isEnabled()) << "no dataset is open yet";
  open_fashion_mnist();
  EXPECT_TRUE(button->isEnabled());

  constexpr int kLimit = 12;  // two slices of kFaithfulnessBatch
  FaithfulnessController* faithfulness = window_.cam().faithfulness();
  QSignalSpy measured(faithfulness, &FaithfulnessController::datasetMeasured);
  faithfulness->measure_dataset(kLimit);
  ASSERT_TRUE(measured.wait(300000));
  ASSERT_EQ(measured.at(0).at(0).toString(), QString());
  const auto* shown = window_.cam().methods_view()->faithfulness()->shown();
  ASSERT_NE(shown, nullptr);
  EXPECT_TRUE(shown->caption.startsWith(QStringLiteral("Over %1 images of").arg(kLimit)))
      << shown->caption.toStdString();

  auto model = test::load_bundled_model();
  auto dataset = open_dataset(window_.workspace().dataset_path().toStdString(), model->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  std::vector<int64_t> indices;  // spread evenly over the 10,000 images
  for (int i = 0; i < kLimit; ++i) indices.push_back(int64_t{i} * 10000 / kLimit);
  FaithfulnessRunOptions options;
  options.methods = every_faithfulness_method();
  options.cam.layers = {kLayer.toStdString()};
  auto run = measure_dataset(*model, dataset.value(), indices, options, kFaithfulnessBatch);
  ASSERT_TRUE(run.ok()) << run.error();
  ASSERT_EQ(run.value().images.size(), static_cast<size_t>(kLimit));
  const auto summaries = summarize(run.value());
  QTableWidget* rows = table();
  ASSERT_EQ(methods_of(rows), options.methods);
  for (int row = 0; row < rows->rowCount(); ++row) {
    for (int column = 0; column < rows->columnCount(); ++column) {
      const MetricSummary& expected =
          summaries[static_cast<size_t>(row)].metrics[static_cast<size_t>(column)];
      EXPECT_EQ(expected.count, kLimit);
      EXPECT_NEAR(cell(rows, row, column), expected.mean, 1e-6)
          << options.methods[row] << " column " << column;
      const QString text = rows->item(row, column)->text();
      EXPECT_TRUE(text.endsWith(QStringLiteral("\u2009±\u2009") + QString::number(expected.std, 'f', 3)))
          << text.toStdString() << " vs std " << expected.std;
    }
  }
}

TEST_F(FaithfulnessControllerTest, CancelStopsADatasetRun) {
  measure_image();
  open_fashion_mnist();
  FaithfulnessController* faithfulness = window_.cam().faithfulness();
  QSignalSpy measured(faithfulness, &FaithfulnessController::datasetMeasured);
  faithfulness->measure_dataset(0);  // all 10,000 images: minutes, unless cancelled
  auto* cancel = window_.findChild<QPushButton*>(QStringLiteral("faithfulnessCancel"));
  ASSERT_NE(cancel, nullptr);
  ASSERT_FALSE(cancel->isHidden());
  // Under way: the first images measured.
  auto* progress = window_.findChild<QProgressBar*>(QStringLiteral("faithfulnessProgress"));
  QSignalSpy progressed(progress, &QProgressBar::valueChanged);
  while (progress->value() < 1) ASSERT_TRUE(progressed.wait(60000));
  EXPECT_LT(progress->value(), 10000);
  cancel->click();
  ASSERT_TRUE(measured.wait(60000));
  EXPECT_EQ(measured.at(0).at(0).toString(), QStringLiteral("cancelled"));
  EXPECT_FALSE(faithfulness->dataset_result().has_value());
  EXPECT_TRUE(window_.findChild<QPushButton*>(QStringLiteral("faithfulnessOverDataset"))->isEnabled());
  EXPECT_TRUE(cancel->isHidden());
}

}  // namespace
}  // namespace actscope
