// The Dataset tab and compare mode on dataset images, driven offscreen
// through the real window.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include "tests/support/export_support.h"
#include "tests/support/image_checks.h"
#include "tests/support/pane_support.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/compare_controller.h"
#include "ui/panes/compare_pane.h"
#include "ui/panes/dataset_pane.h"
#include "ui/panes/dataset_table.h"
#include "ui/panes/image_strip.h"
#include "ui/shell/main_window.h"
#include "ui/state/workspace.h"
#include "ui/widgets/grid_view.h"

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
  // Its columns are named with the classes, and every one is in sight in the Dataset view.
  ASSERT_EQ(window_.current_view(), MainWindow::kDataset);
  QTest::qWait(0);
  for (int c = 0; c < 10; ++c) {
    const QString label = QString::fromStdString(window_.workspace().model()->card().label(c));
    EXPECT_EQ(confusion->horizontalHeaderItem(c)->text(), QStringLiteral("%1 %2").arg(c).arg(label));
    EXPECT_LE(confusion->columnViewportPosition(c) + confusion->columnWidth(c), confusion->viewport()->width())
        << "column " << c << " is out of sight";
    EXPECT_GE(confusion->columnViewportPosition(c), 0);
  }
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
  QSignalSpy explained(&window_.compare(), &CompareController::explanationsShown);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
  QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
  ASSERT_TRUE(explained.wait(60000)) << "the comparison never arrived";

  // A is the misclassified shirt; B the one correctly classified shirt of the samples.
  auto* strip = window_.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  ASSERT_EQ(strip->count(), 3);  // the opened sample, then A and B
  const QString a = strip->item(window_.workspace().current_image())->toolTip();
  const QString b = strip->item(window_.compare().image_b())->toolTip();
  EXPECT_EQ(QFileInfo(a).fileName(), QStringLiteral("01236_shirt.png"));
  EXPECT_EQ(QFileInfo(b).fileName(), QStringLiteral("07654_shirt.png"));
  EXPECT_TRUE(strip->item(window_.compare().image_b())
                  ->data(ImageStrip::kCaptionRole)
                  .toString()
                  .endsWith(QStringLiteral("correct")));
  EXPECT_EQ(window_.current_view(), MainWindow::kCompare);
  EXPECT_EQ(window_.current_page()->objectName(), QStringLiteral("comparePane"));

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
  auto exported_sheet = test::exported(window_.compare(), sheet, [&] { window_.compare().export_comparison(sheet); });
  ASSERT_TRUE(exported_sheet.ok()) << exported_sheet.error();
  const RgbImage written = test::read_rgb(sheet);
  ASSERT_GT(written.width, 0);
  for (const char* name : {"compareA", "compareB", "compareDifference"}) {  // as on screen, below their captions
    const Grid& grid = window_.findChild<GridView*>(QString::fromLatin1(name))->view().grid;
    EXPECT_TRUE(test::contains_image(written, grid.image, grid.caption_height)) << name;
  }
}

TEST_F(DatasetPanelTest, FashionMnistTestSetIsPredictedWithProgressAndTheCardsAccuracy) {
  ASSERT_EQ(load(QString::fromStdString(test::fashion_mnist_dir().string())), QString());
  EXPECT_EQ(pane_->visible_count(), 10000);
  auto* progress = window_.findChild<QProgressBar*>(QStringLiteral("datasetProgress"));
  EXPECT_EQ(progress->maximum(), 10000);
  EXPECT_EQ(progress->value(), 10000);
  const QString summary = window_.findChild<QLabel*>(QStringLiteral("datasetSummary"))->text();
  // 92.64% when trained; one or two borderline images may flip on another CPU.
  EXPECT_TRUE(summary.contains(QRegularExpression(QStringLiteral("accuracy 92\\.6[2-6]%")))) << summary.toStdString();
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

// Writes an IDX pair of two 28x28 images, both labelled `label`, filled with
// `pixel` and `255 - pixel`.
void write_idx_pair(const std::filesystem::path& dir, char pixel, char label) {
  std::string images = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28};
  images += std::string(28 * 28, pixel) + std::string(28 * 28, static_cast<char>(255 - pixel));
  test::write_file(dir / "t10k-images-idx3-ubyte", images);
  test::write_file(dir / "t10k-labels-idx1-ubyte", std::string{0, 0, 8, 1, 0, 0, 0, 2, label, label});
}

// A regression: images were told apart by name only, and image 0 of any IDX
// test set is named "t10k[0]".
TEST_F(DatasetPanelTest, ImagesOfTwoDatasetsWithTheSameNamesStayApart) {
  auto* strip = window_.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  const int open = strip->count();
  test::TempDir first, second;
  write_idx_pair(first.path(), 0, 9);
  write_idx_pair(second.path(), 100, 9);
  for (const auto* dir : {&first, &second}) {
    ASSERT_EQ(load(QString::fromStdString(dir->path().string())), QString());
    const int before = strip->count();
    window_.compare_dataset_image(0);
    for (int wait = 0; wait < 600 && strip->count() == before; ++wait) QTest::qWait(100);
  }
  EXPECT_EQ(strip->count(), open + 2);
  for (int row : {open, open + 1}) {
    const QString caption = strip->item(row)->data(ImageStrip::kCaptionRole).toString();
    EXPECT_EQ(caption.section(QLatin1Char('\n'), 0, 0), QStringLiteral("t10k[0]")) << caption.toStdString();
  }
}

// A regression: a new model's load queued behind the whole prediction. It
// runs between two batches now, and the prediction then says it was cancelled.
TEST_F(DatasetPanelTest, OpeningAModelCancelsTheDatasetStillPredicting) {
  QSignalSpy predicted(&window_, &MainWindow::datasetShown);
  window_.load_dataset(QString::fromStdString(test::fashion_mnist_dir().string()));
  QSignalSpy shown(&window_, &MainWindow::sessionShown);
  window_.open(bundled(), sample_paths().mid(0, 1));
  ASSERT_TRUE(shown.wait(60000));
  if (predicted.isEmpty()) {
    ASSERT_TRUE(predicted.wait(60000));
  }
  ASSERT_EQ(predicted.size(), 1);
  EXPECT_EQ(predicted.takeFirst().at(0).toString(), QStringLiteral("cancelled"));
}

// After comparing, the user browses to another image off the Compare tab:
// the exported sheet is that of the current pair, not of what the tab drew:
// it differs from the sheet exported before browsing, and equals, pixel for
// pixel, the sheet exported once the Compare tab has drawn the current pair.
TEST_F(DatasetPanelTest, ExportedSheetIsOfTheCurrentPairAfterBrowsingAway) {
  test::TempDir dir;
  test::lay_out_samples_by_class(dir.path());
  ASSERT_EQ(load(QString::fromStdString(dir.path().string())), QString());
  pane_->set_filter(true, 6, -1);  // 01236_shirt.png
  QSignalSpy explained(&window_.compare(), &CompareController::explanationsShown);
  window_.compare_dataset_image(pane_->image_at(0));
  ASSERT_TRUE(explained.wait(60000));
  test::TempDir out;
  auto export_sheet = [this, &out](const char* name) {
    const QString path = QString::fromStdString((out / name).string());
    // The pair's predictions and Grad-CAMs may still be on their way.
    const auto export_to = [&] {
      return test::exported(window_.compare(), path, [&] { window_.compare().export_comparison(path); });
    };
    for (int wait = 0; wait < 600 && !export_to().ok(); ++wait) QTest::qWait(100);
    return QImage(path).convertToFormat(QImage::Format_RGB888);
  };
  const QImage before = export_sheet("before.png");
  ASSERT_FALSE(before.isNull());
  ASSERT_EQ(window_.current_page(), static_cast<QWidget*>(window_.compare().pane()));
  window_.show_view(MainWindow::kBrowse);
  QSignalSpy captured(&window_.activations(), &ActivationsController::captureShown);
  window_.workspace().set_current_image(
      window_.compare().image_b());  // A becomes B's image: a comparison with itself
  ASSERT_TRUE(captured.wait(60000));
  const QImage away = export_sheet("away.png");
  ASSERT_FALSE(away.isNull());
  EXPECT_NE(away, before) << "the sheet of the pair the tab last drew";
  const auto* difference = window_.findChild<GridView*>(QStringLiteral("compareDifference"));
  for (float value : difference->view().maps.values) ASSERT_EQ(value, 0.5f);
  window_.show_view(MainWindow::kCompare);  // the view draws the current pair
  const QImage drawn = export_sheet("drawn.png");
  EXPECT_EQ(away, drawn);
}

// A model whose card has no class names reads a folder of class folders as
// torchvision's ImageFolder does: the sorted folder names name the classes
// in the matrix, as in the CLI's CSV.
TEST_F(DatasetPanelTest, AFolderOfClassFoldersNamesTheClassesOfACardWithout) {
  ModelCard unnamed = window_.workspace().model()->card();
  unnamed.labels.clear();
  QSignalSpy shown(&window_, &MainWindow::sessionShown);
  window_.open(bundled(), sample_paths().mid(0, 1), unnamed);
  ASSERT_TRUE(shown.wait(60000));
  ASSERT_TRUE(window_.workspace().model()->card().labels.empty());
  test::TempDir dir;
  for (const char* folder : {"b_shoes", "a_bags"}) {
    std::filesystem::create_directories(dir / folder);
    std::filesystem::copy_file(test::resource_dir() / "samples" / "00021_sandal.png", dir / folder / "x.png");
  }
  ASSERT_EQ(load(QString::fromStdString(dir.path().string())), QString());
  QTableWidget* confusion = pane_->confusion();
  ASSERT_GE(confusion->rowCount(), 2);
  EXPECT_EQ(confusion->verticalHeaderItem(0)->text(), QStringLiteral("0 a_bags"));
  EXPECT_EQ(confusion->verticalHeaderItem(1)->text(), QStringLiteral("1 b_shoes"));
  EXPECT_EQ(confusion->horizontalHeaderItem(1)->text(), QStringLiteral("1 b_shoes"));
}

// A card without labels: classes are named by number, in the matrix and the
// filters alike, and a cell's filter survives ticking "misclassified only".
TEST(DatasetPaneTest, ConfusionFilterShowsInTheControlsWithoutLabels) {
  DatasetPane pane;
  pane.set_labels({});
  auto dataset = std::make_shared<Dataset>();
  dataset->source = "numbers";
  std::vector<DatasetPrediction> predictions;
  const int pairs[][2] = {{0, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {2, 0}};
  for (const auto& [truth, predicted] : pairs) {
    dataset->images.push_back({"image" + std::to_string(dataset->images.size()), truth});
    predictions.push_back({truth, predicted, 0.5f, ""});
  }
  pane.show_predictions(dataset, predictions);
  QTableWidget* confusion = pane.confusion();
  ASSERT_EQ(confusion->rowCount(), 3);
  auto* true_class = pane.findChild<QComboBox*>(QStringLiteral("datasetTrueClass"));
  ASSERT_EQ(true_class->count(), 4);  // any, 0, 1, 2
  pane.show();
  QTest::mouseClick(confusion->viewport(), Qt::LeftButton, {},
                    confusion->visualItemRect(confusion->item(2, 1)).center());
  EXPECT_EQ(pane.visible_count(), 1);
  EXPECT_EQ(true_class->currentData().toInt(), 2);
  QTest::mouseClick(pane.findChild<QCheckBox*>(QStringLiteral("datasetMisclassified")), Qt::LeftButton);
  EXPECT_EQ(pane.visible_count(), 1);  // still true 2, predicted 1
  EXPECT_EQ(pane.image_at(0), 3);
  EXPECT_EQ(pane.image_at(5), -1);
}

// An image the run could not read: gray in the list, "unreadable"
// with the reason as its tooltip, counted in the summary apart from the
// misclassified, and not listed as misclassified.
TEST(DatasetPaneTest, UnreadableImagesAreShownAndCountedApart) {
  DatasetPane pane;
  pane.set_labels({"a", "b"});
  auto dataset = std::make_shared<Dataset>();
  dataset->source = "folder";
  dataset->images = {{"ok.png", 0}, {"wrong.png", 1}, {"broken.png", 1}};
  const std::vector<DatasetPrediction> predictions = {
      {0, 0, 0.9f, ""}, {1, 0, 0.8f, ""}, {1, -1, 0.0f, "broken.png: not a readable image"}};
  pane.show_predictions(dataset, predictions);
  const QString summary = pane.findChild<QLabel*>(QStringLiteral("datasetSummary"))->text();
  EXPECT_TRUE(summary.contains(QStringLiteral("3 images, accuracy 50.00% (1 misclassified)"))) << summary.toStdString();
  EXPECT_TRUE(summary.contains(QStringLiteral("1 unreadable, skipped"))) << summary.toStdString();
  auto* table = pane.findChild<QTableView*>(QStringLiteral("datasetTable"));
  ASSERT_NE(table, nullptr);
  const QAbstractItemModel* model = table->model();
  int broken_row = -1;
  for (int row = 0; row < model->rowCount(); ++row) {
    if (model->index(row, 1).data().toString() == QStringLiteral("broken.png")) broken_row = row;
  }
  ASSERT_GE(broken_row, 0);
  EXPECT_EQ(model->index(broken_row, 3).data().toString(), QStringLiteral("unreadable"));
  EXPECT_TRUE(model->index(broken_row, 3).data(Qt::ToolTipRole).toString().contains(QStringLiteral("not a readable")));
  pane.show();
  QTest::mouseClick(pane.findChild<QCheckBox*>(QStringLiteral("datasetMisclassified")), Qt::LeftButton);
  EXPECT_EQ(pane.visible_count(), 1);
  EXPECT_EQ(pane.image_at(0), 1);
}

}  // namespace
}  // namespace actscope
