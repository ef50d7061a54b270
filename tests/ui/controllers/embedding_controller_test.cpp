// The Embedding view: a run on the bundled model fills the plot (PCA first,
// then t-SNE as it forms), its features are relu5's maps averaged (a second
// path through the model), a second run comes from the cache, a click on a
// point opens that image, a rubber band lists the points under it,
// "Compare with nearest correct" pairs a wrong image with the nearest
// correct one of its class, and at 1280x720 the plot has room.
#include "ui/controllers/embedding_controller.h"

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <QLabel>
#include <QImage>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/embedding_pane.h"
#include "ui/state/workspace.h"
#include "ui/widgets/scatter_view.h"

namespace actscope {
namespace {

QString fashion_mnist() { return QString::fromStdString(test::fashion_mnist_dir().string()); }

class EmbeddingControllerTest : public ::testing::Test {
 protected:
  void SetUp() override { open_and_wait_for_capture(window_, bundled(), sample_paths()); }

  // Runs and waits; returns (error, cached).
  std::pair<QString, bool> embed(int limit, const QString& method = QStringLiteral("tsne")) {
    QSignalSpy shown(&window_.embedding(), &EmbeddingController::embeddingShown);
    EmbeddingSettings settings;
    settings.limit = limit;
    settings.method = method;
    window_.embedding().run(fashion_mnist(), settings);
    EXPECT_TRUE(shown.wait(240000));
    if (shown.isEmpty()) return {QStringLiteral("timeout"), false};
    return {shown.at(0).at(0).toString(), shown.at(0).at(1).toBool()};
  }

  ScatterView* plot() { return window_.findChild<ScatterView*>(QStringLiteral("embeddingPlot")); }
  const Features& features() { return *window_.embedding().embedded()->features; }

  MainWindow window_;
};

TEST_F(EmbeddingControllerTest, ARunFillsThePlotPcaFirstThenTsneAsItForms) {
  QSignalSpy frames(&window_.embedding(), &EmbeddingController::layoutShown);
  QStringList titles;
  QObject::connect(&window_.embedding(), &EmbeddingController::layoutShown, &window_, [this, &titles] {
    titles << window_.findChild<QLabel*>(QStringLiteral("embeddingTitle"))->text();
  });
  const auto [error, cached] = embed(500);
  ASSERT_EQ(error, QString());
  EXPECT_FALSE(cached);
  EXPECT_EQ(window_.current_view(), MainWindow::kEmbedding);
  ASSERT_GT(frames.count(), 3);
  EXPECT_FALSE(frames.first().at(0).toBool());
  EXPECT_TRUE(frames.last().at(0).toBool());
  EXPECT_TRUE(titles.first().contains(QStringLiteral("PCA"))) << titles.first().toStdString();
  EXPECT_TRUE(titles.last().contains(QStringLiteral("t-SNE"))) << titles.last().toStdString();
  EXPECT_EQ(plot()->count(), 500);
  EXPECT_EQ(features().layer, ":flatten");
  EXPECT_EQ(features().names[3], "t10k[3]");

  // A second path through the model: relu5 captured for image 7, its maps averaged.
  auto dataset = open_dataset(fashion_mnist().toStdString(), window_.workspace().model()->card());
  ASSERT_TRUE(dataset) << dataset.error();
  auto input = dataset.value().input(7, window_.workspace().model()->card());
  ASSERT_TRUE(input) << input.error();
  CaptureOptions options;
  options.layers = {"relu5"};
  auto captured = window_.workspace().model()->capture({input.value()}, options);
  ASSERT_TRUE(captured) << captured.error();
  const FloatArray& maps = captured.value().activations.front().values;
  ASSERT_EQ(features().dims, maps.shape()[1]);
  const int64_t area = maps.shape()[2] * maps.shape()[3];
  for (int64_t c = 0; c < features().dims; ++c) {
    double sum = 0;
    for (int64_t i = 0; i < area; ++i) sum += maps[c * area + i];
    EXPECT_NEAR(features().values[7 * features().dims + c], sum / area, 1e-4) << "filter " << c;
  }

  const std::vector<float> first = window_.embedding().embedded()->layout;
  const auto [again_error, again_cached] = embed(500);
  ASSERT_EQ(again_error, QString());
  EXPECT_TRUE(again_cached);
  EXPECT_EQ(window_.embedding().embedded()->layout, first);
}

TEST_F(EmbeddingControllerTest, ClickingAPointOpensThatImage) {
  ASSERT_EQ(embed(300, QStringLiteral("pca")).first, QString());
  window_.show_view(MainWindow::kEmbedding);
  window_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  plot()->fit();
  int row = -1;
  for (int candidate = 0; candidate < plot()->count() && row < 0; ++candidate) {
    const QPointF at = plot()->point_position(candidate);
    if (plot()->rect().contains(at.toPoint()) && plot()->point_at(at.toPoint()) == candidate) row = candidate;
  }
  ASSERT_GE(row, 0);
  QSignalSpy opened(&window_.embedding(), &EmbeddingController::imageOpened);
  QTest::mouseClick(plot(), Qt::LeftButton, Qt::NoModifier, plot()->point_position(row).toPoint());
  ASSERT_TRUE(opened.wait(60000));
  EXPECT_EQ(opened.at(0).at(0).toInt(), row);
  const int index = opened.at(0).at(1).toInt();
  EXPECT_EQ(window_.workspace().current_image(), index);
  EXPECT_EQ(window_.workspace().images()[static_cast<size_t>(index)].input.name, features().names[static_cast<size_t>(row)]);
}

TEST_F(EmbeddingControllerTest, ARubberBandListsThePointsUnderItAndAWrongOneComparesWithTheNearestCorrect) {
  ASSERT_EQ(embed(400, QStringLiteral("pca")).first, QString());
  window_.show_view(MainWindow::kEmbedding);
  window_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  plot()->fit();
  const QRect band(QPoint(0, 0), plot()->size());  // every point
  QTest::mousePress(plot(), Qt::LeftButton, Qt::NoModifier, band.topLeft() + QPoint(1, 1));
  QTest::mouseMove(plot(), band.center());
  QTest::mouseMove(plot(), band.bottomRight() - QPoint(1, 1));
  QTest::mouseRelease(plot(), Qt::LeftButton, Qt::NoModifier, band.bottomRight() - QPoint(1, 1));
  auto* list = window_.findChild<QListWidget*>(QStringLiteral("embeddingSelection"));
  int inside = 0;
  for (int i = 0; i < plot()->count(); ++i) inside += QRectF(band.adjusted(1, 1, -1, -1)).contains(plot()->point_position(i));
  ASSERT_EQ(list->count(), inside);
  ASSERT_GT(inside, 300);

  // The first wrong image listed, and its partner found here by a double loop in double precision.
  const Features& f = features();
  int wrong_row = -1;
  for (int r = 0; r < list->count() && wrong_row < 0; ++r) {
    const int i = window_.embedding().pane()->selection()[static_cast<size_t>(r)];
    if (f.predicted[static_cast<size_t>(i)] != f.true_classes[static_cast<size_t>(i)]) wrong_row = r;
  }
  ASSERT_GE(wrong_row, 0);
  const int wrong = window_.embedding().pane()->selection()[static_cast<size_t>(wrong_row)];
  int expected = -1;
  double best = INFINITY;
  for (int j = 0; j < f.rows; ++j) {
    const auto J = static_cast<size_t>(j);
    if (f.true_classes[J] != f.true_classes[static_cast<size_t>(wrong)] || f.predicted[J] != f.true_classes[J]) continue;
    double d2 = 0;
    for (int64_t d = 0; d < f.dims; ++d) d2 += std::pow(double(f.values[wrong * f.dims + d]) - f.values[j * f.dims + d], 2);
    if (d2 < best) best = d2, expected = j;
  }
  ASSERT_EQ(window_.embedding().nearest_correct(wrong), expected);
  list->setCurrentRow(wrong_row);
  auto* compare = window_.findChild<QPushButton*>(QStringLiteral("embeddingCompare"));
  ASSERT_TRUE(compare->isEnabled());
  QSignalSpy requested(&window_.workspace(), &Workspace::compareRequested);
  compare->click();
  ASSERT_TRUE(requested.wait(60000));
  const int b = requested.at(0).at(0).toInt();
  EXPECT_EQ(window_.workspace().images()[static_cast<size_t>(b)].input.name, f.names[static_cast<size_t>(expected)]);
  EXPECT_EQ(window_.workspace().images()[static_cast<size_t>(window_.workspace().current_image())].input.name,
            f.names[static_cast<size_t>(wrong)]);
}

// The exported PNG read back: the CLI's picture size, a dot in every class's
// colour (the palette's, written here), and nothing left behind on a failure.
TEST_F(EmbeddingControllerTest, TheExportedPlotHoldsEveryClasssColour) {
  ASSERT_EQ(embed(400, QStringLiteral("pca")).first, QString());
  test::TempDir dir;
  const QString path = QString::fromStdString((dir.path() / "plot.png").string());
  QSignalSpy exported(&window_.embedding(), &Controller::exported);
  window_.embedding().export_plot(path);
  ASSERT_TRUE(exported.wait(60000));
  ASSERT_EQ(exported.at(0).at(1).toString(), QString());
  const QImage picture(path);
  ASSERT_EQ(picture.size(), QSize(1100, 800));
  const int tableau[10][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                              {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  for (const auto& rgb : tableau) {
    int found = 0;
    for (int y = 0; y < picture.height(); ++y) {
      for (int x = 0; x < picture.width() - 220; ++x) found += picture.pixel(x, y) == qRgb(rgb[0], rgb[1], rgb[2]);
    }
    EXPECT_GT(found, 3) << rgb[0] << "," << rgb[1] << "," << rgb[2];
  }
  const QString missing = QString::fromStdString((dir.path() / "no-such-folder" / "plot.png").string());
  exported.clear();
  window_.embedding().export_plot(missing);
  ASSERT_TRUE(exported.wait(60000));
  EXPECT_FALSE(exported.at(0).at(1).toString().isEmpty());
  EXPECT_FALSE(std::filesystem::exists((dir.path() / "no-such-folder").string()));
}

TEST_F(EmbeddingControllerTest, At1280x720ThePlotHasAtLeast600x400) {
  window_.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  window_.resize(1280, 720);
  QTest::keyClick(&window_, Qt::Key_5, Qt::ControlModifier);
  QTest::qWait(0);  // lets the layouts settle (one pass of the event loop)
  ASSERT_EQ(window_.current_view(), MainWindow::kEmbedding);
  EXPECT_TRUE(plot()->isVisible());
  EXPECT_GE(plot()->width(), 600);
  EXPECT_GE(plot()->height(), 400);
}

TEST_F(EmbeddingControllerTest, CancelStopsARun) {
  QSignalSpy shown(&window_.embedding(), &EmbeddingController::embeddingShown);
  QSignalSpy frames(&window_.embedding(), &EmbeddingController::layoutShown);
  EmbeddingSettings settings;
  settings.limit = 3000;
  window_.embedding().run(fashion_mnist(), settings);
  ASSERT_TRUE(frames.wait(240000));  // PCA is shown: t-SNE starts
  Q_EMIT window_.embedding().pane()->cancelRequested();
  ASSERT_TRUE(shown.wait(240000));
  EXPECT_EQ(shown.at(0).at(0).toString(), QStringLiteral("cancelled"));
}

}  // namespace
}  // namespace actscope
