// The Dataset tab and compare mode on dataset images, driven offscreen
// through the real window.
#include <algorithm>

#include <gtest/gtest.h>
#include <QCheckBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include "tests/support/test_support.h"
#include "tests/ui/window_support.h"
#include "ui/dataset_pane.h"
#include "ui/dataset_table.h"
#include "ui/grid_view.h"

namespace actscope {
namespace {

class DatasetPanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    window_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
    open_and_wait_for_capture(window_, bundled(), sample_paths().mid(0, 1));
    pane_ = window_.findChild<DatasetPane*>(QStringLiteral("datasetPane"));
    ASSERT_NE(pane_, nullptr);
  }

  // Loads `path` and waits for its predictions; returns the error ("" when shown).
  QString load(const QString& path) {
    QSignalSpy shown(&window_, &MainWindow::datasetShown);
    window_.load_dataset(path);
    EXPECT_TRUE(shown.wait(120000)) << "the dataset never arrived";
    return shown.isEmpty() ? QStringLiteral("timeout") : shown.takeFirst().at(0).toString();
  }

  // The listed rows' values of `column` (sort role: numbers for numbers).
  QVariantList column(int column) const {
    QVariantList values;
    auto* model = pane_->table()->model();
    for (int row = 0; row < model->rowCount(); ++row)
      values << model->index(row, column).data(DatasetTableModel::kSortRole);
    return values;
  }

  void click_header(int column) {
    QHeaderView* header = pane_->table()->horizontalHeader();
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                      QPoint(header->sectionViewportPosition(column) + 4, header->height() / 2));
  }

  MainWindow window_;
  DatasetPane* pane_ = nullptr;
};

TEST_F(DatasetPanelTest, SamplesByClassAreListedFilteredByTheConfusionMatrixAndSortedByConfidence) {
  test::TempDir dir;
  test::lay_out_samples_by_class(dir.path());
  ASSERT_EQ(load(QString::fromStdString(dir.path().string())), QString());
  const auto samples = test::samples_manifest()["samples"];
  ASSERT_EQ(pane_->visible_count(), static_cast<int>(samples.size()));
  int wrong = 0;
  for (const auto& sample : samples) wrong += sample["correct"].get<bool>() ? 0 : 1;
  auto* summary = window_.findChild<QLabel*>(QStringLiteral("datasetSummary"));
  const double accuracy = 100.0 * (samples.size() - wrong) / samples.size();
  EXPECT_TRUE(summary->text().contains(QStringLiteral("accuracy %1%").arg(accuracy, 0, 'f', 2)))
      << summary->text().toStdString();

  // Misclassified only.
  QTest::mouseClick(window_.findChild<QCheckBox*>(QStringLiteral("datasetMisclassified")), Qt::LeftButton);
  ASSERT_EQ(pane_->visible_count(), wrong);
  const QVariantList truth = column(DatasetTableModel::kTrue);
  const QVariantList predicted = column(DatasetTableModel::kPredicted);
  for (int row = 0; row < wrong; ++row) EXPECT_NE(truth[row], predicted[row]);

  // The confusion matrix counts them; a click on (Shirt, T-shirt/top) lists that one image.
  QTableWidget* confusion = pane_->confusion();
  ASSERT_EQ(confusion->rowCount(), 10);
  int diagonal = 0;
  for (int c = 0; c < 10; ++c) diagonal += confusion->item(c, c)->text().toInt();
  EXPECT_EQ(diagonal, static_cast<int>(samples.size()) - wrong);
  ASSERT_EQ(confusion->item(6, 0)->text(), QStringLiteral("1"));
  QTest::mouseClick(confusion->viewport(), Qt::LeftButton, {},
                    confusion->visualItemRect(confusion->item(6, 0)).center());
  ASSERT_EQ(pane_->visible_count(), 1);
  EXPECT_EQ(pane_->table()->model()->index(0, DatasetTableModel::kImage).data().toString(),
            QStringLiteral("01236_shirt.png"));

  // Show all, then sort by confidence from the header, both ways.
  QTest::mouseClick(window_.findChild<QPushButton*>(QStringLiteral("datasetShowAll")), Qt::LeftButton);
  ASSERT_EQ(pane_->visible_count(), static_cast<int>(samples.size()));
  auto sorted = [](const QVariantList& values, bool ascending) {
    for (int row = 1; row < values.size(); ++row) {
      const float previous = values[row - 1].toFloat();
      const float current = values[row].toFloat();
      if (ascending ? previous > current : previous < current) return false;
    }
    return true;
  };
  click_header(DatasetTableModel::kConfidence);
  const QVariantList first = column(DatasetTableModel::kConfidence);
  ASSERT_NE(first.front().toFloat(), first.back().toFloat());
  const bool ascending = first.front().toFloat() < first.back().toFloat();
  EXPECT_TRUE(sorted(first, ascending));
  click_header(DatasetTableModel::kConfidence);
  EXPECT_TRUE(sorted(column(DatasetTableModel::kConfidence), !ascending));
}

TEST_F(DatasetPanelTest, AMisclassifiedImageIsComparedWithItsNearestCorrectPartner) {
  test::TempDir dir;
  test::lay_out_samples_by_class(dir.path());
  ASSERT_EQ(load(QString::fromStdString(dir.path().string())), QString());
  pane_->set_filter(true, 6, -1);  // misclassified shirts: only 01236_shirt.png
  ASSERT_EQ(pane_->visible_count(), 1);
  QTableView* table = pane_->table();
  const QRect cell = table->visualRect(table->model()->index(0, DatasetTableModel::kImage));
  QSignalSpy explained(&window_, &MainWindow::explanationsShown);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
  QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
  ASSERT_TRUE(explained.wait(60000)) << "the comparison never arrived";

  // A is the misclassified shirt; B the one correctly classified shirt of the samples.
  auto* strip = window_.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  ASSERT_EQ(strip->count(), 3);  // the opened sample, then A and B
  const QString a = strip->item(window_.current_image())->toolTip();
  const QString b = strip->item(window_.compare_image())->toolTip();
  EXPECT_EQ(QFileInfo(a).fileName(), QStringLiteral("01236_shirt.png"));
  EXPECT_EQ(QFileInfo(b).fileName(), QStringLiteral("07654_shirt.png"));
  EXPECT_TRUE(strip->item(window_.compare_image())->text().endsWith(QStringLiteral("correct")));
  EXPECT_EQ(window_.findChild<QTabWidget*>(QStringLiteral("centerTabs"))->currentWidget()->objectName(),
            QStringLiteral("comparePane"));

  // Three grids of the browsed layer, and each image's prediction and CAMs.
  const int tiles = window_.findChild<GridView*>(QStringLiteral("activationGrid"))->tile_count();
  for (const char* name : {"compareA", "compareB", "compareDifference"})
    EXPECT_EQ(window_.findChild<GridView*>(QString::fromLatin1(name))->tile_count(), tiles) << name;
  const QString caption_a = window_.findChild<QLabel*>(QStringLiteral("compareCaptionA"))->text();
  EXPECT_TRUE(caption_a.contains(QStringLiteral("T-shirt/top")) &&
              caption_a.contains(QStringLiteral("true Shirt")))
      << caption_a.toStdString();
  for (const char* name :
       {"compareCamPredictedA", "compareCamTrueA", "compareCamPredictedB", "compareCamTrueB"}) {
    EXPECT_FALSE(window_.findChild<QLabel*>(QString::fromLatin1(name))->pixmap().isNull()) << name;
  }

  // The sheet: images, CAMs, the three grids and the top filters.
  test::TempDir out;
  const QString sheet = QString::fromStdString((out / "sheet.png").string());
  ASSERT_TRUE(window_.export_comparison(sheet).ok());
  const QImage image(sheet);
  ASSERT_FALSE(image.isNull());
  int grids_width = 0;
  for (const char* name : {"compareA", "compareB", "compareDifference"})
    grids_width += window_.findChild<GridView*>(QString::fromLatin1(name))->view().grid.image.width;
  EXPECT_GE(image.width(), grids_width);
}

TEST_F(DatasetPanelTest, FashionMnistTestSetIsPredictedWithProgressAndTheCardsAccuracy) {
  ASSERT_EQ(load(QString::fromStdString(test::fashion_mnist_dir().string())), QString());
  EXPECT_EQ(pane_->visible_count(), 10000);
  auto* progress = window_.findChild<QProgressBar*>(QStringLiteral("datasetProgress"));
  EXPECT_EQ(progress->maximum(), 10000);
  EXPECT_EQ(progress->value(), 10000);
  const QString summary = window_.findChild<QLabel*>(QStringLiteral("datasetSummary"))->text();
  EXPECT_TRUE(summary.contains(QStringLiteral("accuracy 92.64%"))) << summary.toStdString();
}

TEST_F(DatasetPanelTest, CancelStopsThePredictionAndBadPathsAreNamed) {
  QSignalSpy shown(&window_, &MainWindow::datasetShown);
  window_.load_dataset(QString::fromStdString(test::fashion_mnist_dir().string()));
  auto* cancel = window_.findChild<QPushButton*>(QStringLiteral("datasetCancel"));
  ASSERT_TRUE(cancel->isVisible());
  QTest::mouseClick(cancel, Qt::LeftButton);
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_EQ(shown.takeFirst().at(0).toString(), QStringLiteral("cancelled"));
  EXPECT_EQ(pane_->visible_count(), 0);

  const QString error = load(QStringLiteral("/nowhere/dataset"));
  EXPECT_TRUE(error.contains(QStringLiteral("/nowhere/dataset"))) << error.toStdString();
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("datasetSummary"))->text().contains(error));
}

}  // namespace
}  // namespace actscope
