// The Models view: a second model opened beside the bundled one fills the
// CKA heatmap with the values compare_models gives on the same images (a
// second path through core), every layer named and the numbers written at
// 1280x720; without a second model the model is compared with itself;
// hovering a cell reads it and clicking it draws both layers for the
// current image; a second model that cannot be read is named.
#include "ui/controllers/models_controller.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <QLabel>
#include <QMessageBox>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "core/similarity/cka.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/models_pane.h"
#include "ui/state/workspace.h"
#include "ui/widgets/cka_heatmap_view.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

constexpr int kImages = 150;  // 2 batches of 64, and 22 images left out

QString checkpoint(const char* name) {
  return QString::fromStdString((test::resource_dir() / "models" / "fashion_run" / name).string());
}

class ModelsControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    window_.workspace().set_dataset_path(QString::fromStdString(test::fashion_mnist_dir().string()));
    window_.findChild<QSpinBox*>(QStringLiteral("modelsLimit"))->setValue(kImages);
  }

  // Opens model B and waits for its heatmap; returns the run's error.
  QString open_second(const QString& path) {
    QSignalSpy shown(&window_.models(), &ModelsController::ckaShown);
    window_.open_second_model(path);
    EXPECT_TRUE(shown.wait(120000)) << "the heatmap never came";
    return shown.isEmpty() ? QStringLiteral("timeout") : shown.first().at(0).toString();
  }

  void show_window() {
    window_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
  }

  CkaHeatmapView* heatmap() { return window_.findChild<CkaHeatmapView*>(QStringLiteral("modelsHeatmap")); }
  QString text(const char* name) { return window_.findChild<QLabel*>(QString::fromLatin1(name))->text(); }

  MainWindow window_;
};

TEST_F(ModelsControllerTest, ASecondModelFillsTheHeatmapWithTheValuesOfCompareModels) {
  ASSERT_EQ(open_second(checkpoint("step_0050.pt")), QString());
  EXPECT_EQ(window_.current_view(), MainWindow::kModels);
  EXPECT_TRUE(window_.windowTitle().endsWith(QStringLiteral("fashion_cnn.pt (B: step_0050.pt)")))
      << window_.windowTitle().toStdString();
  EXPECT_EQ(text("modelsSecond"), QStringLiteral("step_0050.pt"));

  // The same comparison run here, on models of its own.
  auto a = Model::load(test::bundled_model().string());
  auto b = Model::load(checkpoint("step_0050.pt").toStdString());
  ASSERT_TRUE(a && b);
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), a.value()->card());
  ASSERT_TRUE(dataset) << dataset.error();
  CkaOptions options;
  options.limit = kImages;
  auto expected = compare_models(*a.value(), *b.value(), dataset.value(), options);
  ASSERT_TRUE(expected) << expected.error();
  const CkaRun& run = expected.value();
  ASSERT_EQ(heatmap()->row_count(), static_cast<int>(run.layers_a.size()));
  ASSERT_EQ(heatmap()->column_count(), static_cast<int>(run.layers_b.size()));
  const std::vector<double> values = run.cka();
  for (int row = 0; row < heatmap()->row_count(); ++row) {
    EXPECT_EQ(heatmap()->rows()[row].toStdString(), run.layers_a[static_cast<size_t>(row)]);
    for (int column = 0; column < heatmap()->column_count(); ++column) {
      EXPECT_NEAR(heatmap()->value(row, column),
                  values[static_cast<size_t>(row) * run.layers_b.size() + column], 1e-9)
          << run.layers_a[static_cast<size_t>(row)] << " x " << run.layers_b[static_cast<size_t>(column)];
    }
  }
  EXPECT_EQ(heatmap()->columns().last().toStdString(), run.layers_b.back());
  const QString summary = text("modelsSummary");
  EXPECT_TRUE(
      summary.contains(QStringLiteral("over 128 images of t10k-images-idx3-ubyte.gz in 2 batches of 64")))
      << summary.toStdString();
  EXPECT_TRUE(summary.contains(QStringLiteral("the last 22 images, a partial batch, were left out")))
      << summary.toStdString();
}

TEST_F(ModelsControllerTest, WithoutASecondModelTheModelIsComparedWithItself) {
  QSignalSpy shown(&window_.models(), &ModelsController::ckaShown);
  window_.show_view(MainWindow::kModels);  // in front with nothing computed: it runs
  ASSERT_TRUE(shown.wait(120000));
  ASSERT_EQ(shown.first().at(0).toString(), QString());
  ASSERT_EQ(heatmap()->rows(), heatmap()->columns());
  ASSERT_GT(heatmap()->row_count(), 10);
  for (int i = 0; i < heatmap()->row_count(); ++i) EXPECT_NEAR(heatmap()->value(i, i), 1.0, 1e-6) << i;
  EXPECT_TRUE(text("modelsSummary").contains(QStringLiteral("against itself")));
  EXPECT_TRUE(text("modelsSecond").startsWith(QStringLiteral("none")));
}

TEST_F(ModelsControllerTest, AtLaptopSizeEveryLayerIsNamedAndEveryValueWrittenWithoutScrolling) {
  ASSERT_EQ(open_second(checkpoint("step_0050.pt")), QString());
  show_window();
  auto* area = window_.findChild<QScrollArea*>(QStringLiteral("modelsHeatmapArea"));
  EXPECT_FALSE(area->verticalScrollBar()->isVisible());
  EXPECT_FALSE(area->horizontalScrollBar()->isVisible());
  EXPECT_TRUE(heatmap()->shows_numbers())
      << heatmap()->cell_rect(0, 0).width() << "x" << heatmap()->cell_rect(0, 0).height();
  const QRect last = heatmap()->cell_rect(heatmap()->row_count() - 1, heatmap()->column_count() - 1);
  EXPECT_TRUE(heatmap()->rect().contains(last));
}

TEST_F(ModelsControllerTest, HoveringACellReadsItAndClickingItDrawsBothLayersForTheCurrentImage) {
  ASSERT_EQ(open_second(checkpoint("step_0050.pt")), QString());
  show_window();
  const int row = static_cast<int>(heatmap()->rows().indexOf(QStringLiteral("relu3")));
  const int column = static_cast<int>(heatmap()->columns().indexOf(QStringLiteral("conv5")));
  ASSERT_GE(row, 0);
  ASSERT_GE(column, 0);
  const QPoint centre = heatmap()->cell_rect(row, column).center();
  QTest::mouseMove(heatmap(), centre);
  EXPECT_EQ(heatmap()->cell_at(centre).row, row);
  EXPECT_EQ(text("modelsHover"), heatmap()->describe(row, column));
  EXPECT_TRUE(text("modelsHover").startsWith(QStringLiteral("A relu3 \u00d7 B conv5: CKA 0.")));

  QSignalSpy drawn(&window_.models(), &ModelsController::pairShown);
  QTest::mouseClick(heatmap(), Qt::LeftButton, Qt::NoModifier, centre);
  ASSERT_TRUE(drawn.wait(60000));
  EXPECT_EQ(text("modelsGridATitle"), QStringLiteral("A: relu3 of fashion_cnn.pt"));
  EXPECT_EQ(text("modelsGridBTitle"), QStringLiteral("B: conv5 of step_0050.pt"));
  const auto* a = window_.findChild<GridView*>(QStringLiteral("modelsGridA"));
  const auto* b = window_.findChild<GridView*>(QStringLiteral("modelsGridB"));
  ASSERT_TRUE(a->has_view() && b->has_view());
  EXPECT_EQ(a->tile_count(), window_.workspace().model()->find_layer("relu3")->shape[1]);
  EXPECT_EQ(b->tile_count(), window_.workspace().second_model()->find_layer("conv5")->shape[1]);
  const auto& caption = b->view().grid.caption;
  EXPECT_TRUE(std::any_of(caption.begin(), caption.end(),
                          [](const std::string& line) { return line.find("conv5") != std::string::npos; }));

  // Another image: both grids follow it.
  const std::vector<float> before = b->view().maps.values;
  QSignalSpy again(&window_.models(), &ModelsController::pairShown);
  window_.workspace().set_current_image(3);
  ASSERT_TRUE(again.wait(60000));
  EXPECT_NE(b->view().maps.values, before);
  EXPECT_TRUE(
      text("modelsPairSummary")
          .contains(QString::fromStdString(
              std::filesystem::path(window_.workspace().images()[3].input.name).filename().string())));
}

TEST_F(ModelsControllerTest, ASecondModelWithACardOfItsOwnIsFedAsItsCardSays) {
  // B takes 3x16x16 colour images, A 1x28x28 gray ones: each is fed by its own card.
  test::TempDir dir;
  const std::filesystem::path b_path = dir / "twice.pt";
  std::filesystem::copy_file(test::fixture_dir() / "twice_scripted.pt", b_path);
  test::write_file(dir / "twice.pt.json", R"({"input": {"channels": 3, "height": 16, "width": 16},
                                              "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]})");
  ASSERT_EQ(open_second(QString::fromStdString(b_path.string())), QString());
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("modelsSecond"))
                  ->toolTip()
                  .contains(QStringLiteral("3x16x16")));

  auto a = Model::load(test::bundled_model().string());
  auto b = Model::load(b_path.string());
  ASSERT_TRUE(a && b);
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), a.value()->card());
  ASSERT_TRUE(dataset) << dataset.error();
  CkaOptions options;
  options.limit = kImages;
  auto expected = compare_models(*a.value(), *b.value(), dataset.value(), options);
  ASSERT_TRUE(expected) << expected.error();
  const std::vector<double> values = expected.value().cka();
  ASSERT_EQ(heatmap()->column_count(), static_cast<int>(expected.value().layers_b.size()));
  for (int row = 0; row < heatmap()->row_count(); ++row) {
    for (int column = 0; column < heatmap()->column_count(); ++column) {
      EXPECT_NEAR(heatmap()->value(row, column),
                  values[static_cast<size_t>(row * heatmap()->column_count() + column)], 1e-9);
    }
  }

  // B's grid is of the current image made 3x16x16: B's layer at that size.
  show_window();
  QSignalSpy drawn(&window_.models(), &ModelsController::pairShown);
  QTest::mouseClick(heatmap(), Qt::LeftButton, Qt::NoModifier, heatmap()->cell_rect(0, 0).center());
  ASSERT_TRUE(drawn.wait(60000));
  const LayerInfo* first = window_.workspace().second_model()->find_layer(expected.value().layers_b.front());
  const auto* grid = window_.findChild<GridView*>(QStringLiteral("modelsGridB"));
  ASSERT_TRUE(grid->has_view());
  ASSERT_EQ(first->shape.size(), 4u);
  EXPECT_EQ(grid->tile_count(), first->shape[1]);
  EXPECT_EQ(grid->view().maps.height, first->shape[2]);
}

TEST_F(ModelsControllerTest, ASecondModelThatCannotBeReadIsNamedAndTheFirstStays) {
  QSignalSpy shown(&window_.models(), &ModelsController::secondModelShown);
  const QString missing = QStringLiteral("/nonexistent/other.pt");
  window_.open_second_model(missing);
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_TRUE(shown.first().at(0).toString().contains(missing))
      << shown.first().at(0).toString().toStdString();
  auto* box = window_.findChild<QMessageBox*>(QStringLiteral("errorMessage"));
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->text().contains(missing));
  EXPECT_EQ(window_.workspace().second_model(), nullptr);
  EXPECT_EQ(window_.windowTitle(), QStringLiteral("actscope - fashion_cnn.pt"));
}

}  // namespace
}  // namespace actscope
