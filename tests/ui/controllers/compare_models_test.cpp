// The Compare tab's second mode: the current image through the bundled
// model (A) and a second model (B). A checkpoint of the same architecture
// fills A, B and A - B at relu5, its ranking led by the filter whose mean
// differs most between two captures made here; a B whose layers are named
// otherwise is compared with the layer picked in the partner combo, side by
// side when the shapes differ.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardItemModel>

#include "core/model/image_input.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/compare_controller.h"
#include "ui/controllers/models_job.h"
#include "ui/panes/compare_pane.h"
#include "ui/state/workspace.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

std::string checkpoint(const char* name) {
  return (test::resource_dir() / "models" / "fashion_run" / name).string();
}

class CompareModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    window_.workspace().set_current_layer(QStringLiteral("relu5"));
    window_.show_view(MainWindow::kCompare);
  }

  // Opens `path` as model B as File > Open Second Model does (a B without a
  // card takes A's), without the Models view's run.
  void open_second(const std::string& path) {
    auto loaded = load_second_model(path, window_.workspace().model()->card());
    ASSERT_TRUE(loaded) << loaded.error();
    window_.workspace().set_second_model(loaded.value().model, QString::fromStdString(path));
  }

  // Chooses `data` in combo `name` as a user does; waits for the comparison.
  void choose_and_wait(const char* name, const QVariant& data) {
    QSignalSpy shown(&window_.compare(), &CompareController::compareShown);
    auto* combo = window_.findChild<QComboBox*>(QString::fromLatin1(name));
    ASSERT_NE(combo, nullptr) << name;
    const int row = combo->findData(data);
    ASSERT_GE(row, 0) << data.toString().toStdString();
    combo->setCurrentIndex(row);
    Q_EMIT combo->activated(row);
    // At once when B's capture is there already, else once it arrives.
    ASSERT_TRUE(!shown.isEmpty() || shown.wait(60000)) << "nothing compared: " << text("compareSummary").toStdString();
  }

  void choose_two_models() { choose_and_wait("compareMode", static_cast<int>(CompareMode::kModels)); }

  GridView* grid(const char* name) { return window_.findChild<GridView*>(QString::fromLatin1(name)); }
  QString text(const char* name) { return window_.findChild<QLabel*>(QString::fromLatin1(name))->text(); }
  bool models_mode_enabled() {
    auto* combo = window_.findChild<QComboBox*>(QStringLiteral("compareMode"));
    auto* items = qobject_cast<QStandardItemModel*>(combo->model());
    return items->item(combo->findData(static_cast<int>(CompareMode::kModels)))->isEnabled();
  }

  MainWindow window_;
};

TEST_F(CompareModelsTest, TwoModelsAtRelu5FillBothGridsAndRankTheFilterWhoseMeanDiffersMostFirst) {
  EXPECT_FALSE(models_mode_enabled()) << "no second model yet";
  open_second(checkpoint("step_0200.pt"));
  EXPECT_TRUE(models_mode_enabled());
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("compareModelsHint"))->isVisibleTo(&window_));
  choose_two_models();

  EXPECT_EQ(text("compareGridTitle0"), QStringLiteral("A: relu5 of fashion_cnn.pt"));
  EXPECT_EQ(text("compareGridTitle1"), QStringLiteral("B: relu5 of step_0200.pt"));
  for (const char* name : {"compareA", "compareB", "compareDifference"}) {
    ASSERT_TRUE(grid(name)->has_view()) << name;
    EXPECT_EQ(grid(name)->view().maps.count, 128) << name;
  }
  auto* partner = window_.findChild<QComboBox*>(QStringLiteral("comparePartnerLayer"));
  EXPECT_EQ(partner->currentData().toString(), QStringLiteral("relu5"));
  EXPECT_FALSE(partner->isEnabled()) << "B has relu5: it is the partner";

  // Two independent captures of the current image, one per model.
  auto a = Model::load(test::bundled_model().string());
  auto b = Model::load(checkpoint("step_0200.pt"));
  ASSERT_TRUE(a && b);
  const Workspace& workspace = window_.workspace();
  auto input = load_image(workspace.images()[static_cast<size_t>(workspace.current_image())].input.name,
                          a.value()->card());
  ASSERT_TRUE(input) << input.error();
  auto captured_a = a.value()->capture({input.value()}, CaptureOptions{{"relu5"}});
  auto captured_b = b.value()->capture({input.value()}, CaptureOptions{{"relu5"}});
  ASSERT_TRUE(captured_a && captured_b);
  const FloatArray& maps_a = captured_a.value().activations.at(0).values;
  const FloatArray& maps_b = captured_b.value().activations.at(0).values;
  ASSERT_EQ(maps_a.shape(), (std::vector<int64_t>{1, 128, 7, 7}));
  const int64_t plane = 7 * 7;
  int top = -1;
  double largest = -1.0;
  for (int f = 0; f < 128; ++f) {
    double mean_a = 0.0, mean_b = 0.0;
    for (int64_t i = 0; i < plane; ++i) {
      mean_a += maps_a.data()[f * plane + i];
      mean_b += maps_b.data()[f * plane + i];
    }
    const double difference = std::fabs(mean_a - mean_b) / plane;
    if (difference > largest) {
      largest = difference;
      top = f;
    }
  }
  auto* ranking = window_.findChild<QListWidget*>(QStringLiteral("compareRanking"));
  ASSERT_EQ(ranking->count(), 128);
  EXPECT_EQ(ranking->item(0)->data(Qt::UserRole).toInt(), top);
  EXPECT_GT(largest, 0.0) << "the two models agree everywhere: nothing was compared";
}

TEST_F(CompareModelsTest, ABWithOtherLayerNamesIsComparedWithThePickedLayerSideBySide) {
  // B takes 3x16x16 colour images (its own card) and names its layers stem, act, ...
  test::TempDir dir;
  const std::filesystem::path b_path = dir / "twice.pt";
  std::filesystem::copy_file(test::fixture_dir() / "twice_scripted.pt", b_path);
  test::write_file(dir / "twice.pt.json", R"({"input": {"channels": 3, "height": 16, "width": 16},
                                              "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]})");
  open_second(b_path.string());
  choose_two_models();

  auto* partner = window_.findChild<QComboBox*>(QStringLiteral("comparePartnerLayer"));
  EXPECT_TRUE(partner->isVisibleTo(&window_));
  EXPECT_TRUE(partner->isEnabled()) << "B has no relu5: the user picks";
  std::vector<std::string> capturable;
  for (const LayerInfo& layer : window_.workspace().second_model()->layers()) {
    if (layer.capturable) capturable.push_back(layer.name);
  }
  ASSERT_EQ(partner->count(), static_cast<int>(capturable.size()));
  for (int i = 0; i < partner->count(); ++i)
    EXPECT_EQ(partner->itemData(i).toString().toStdString(), capturable[static_cast<size_t>(i)]);

  choose_and_wait("comparePartnerLayer", QStringLiteral("shared"));
  EXPECT_EQ(text("compareGridTitle1"), QStringLiteral("B: shared of twice.pt"));
  const LayerInfo* shared = window_.workspace().second_model()->find_layer("shared");
  ASSERT_NE(shared, nullptr);
  ASSERT_EQ(shared->shape.size(), 4u);
  ASSERT_TRUE(grid("compareA")->has_view() && grid("compareB")->has_view());
  EXPECT_EQ(grid("compareA")->view().maps.count, 128);
  EXPECT_EQ(grid("compareB")->view().maps.count, shared->shape[1]);
  EXPECT_EQ(grid("compareB")->view().maps.height, shared->shape[2]);
  EXPECT_FALSE(grid("compareDifference")->has_view());
  EXPECT_EQ(window_.findChild<QListWidget*>(QStringLiteral("compareRanking"))->count(), 0);
  EXPECT_TRUE(text("compareGridTitle2").startsWith(QStringLiteral("No A - B")));
  EXPECT_EQ(partner->currentData().toString(), QStringLiteral("shared"));
}

// A capture of B for an image the user has left is dropped: the grids are
// of the image chosen last.
TEST_F(CompareModelsTest, ACaptureOfAnImageTheUserLeftIsDropped) {
  open_second(checkpoint("step_0200.pt"));
  choose_two_models();
  Workspace& workspace = window_.workspace();
  QSignalSpy shown(&window_.compare(), &CompareController::compareShown);
  workspace.set_current_image(1);
  workspace.set_current_image(2);
  while (shown.isEmpty() || workspace.capture_image() != 2) ASSERT_TRUE(shown.wait(60000));
  auto b = Model::load(checkpoint("step_0200.pt"));
  ASSERT_TRUE(b);
  auto input = load_image(workspace.images()[2].input.name, workspace.model()->card());
  ASSERT_TRUE(input);
  auto captured = b.value()->capture({input.value()}, CaptureOptions{{"relu5"}});
  ASSERT_TRUE(captured);
  const float* raw = grid("compareB")->view().raw;
  ASSERT_NE(raw, nullptr);
  const FloatArray& expected = captured.value().activations.at(0).values;
  for (int64_t i = 0; i < expected.size(); ++i) ASSERT_NEAR(raw[i], expected.data()[i], 1e-5f) << i;
}

}  // namespace
}  // namespace actscope
