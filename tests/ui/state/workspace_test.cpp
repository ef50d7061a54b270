// The workspace on its own: what it holds and the signals it sends.
#include "ui/state/workspace.h"

#include <gtest/gtest.h>
#include <QSignalSpy>

namespace actscope {
namespace {

LoadedImage image(const std::string& name, float pixel, int true_class = -1) {
  LoadedImage loaded;
  loaded.input.name = name;
  loaded.input.tensor = {pixel, pixel};
  loaded.top = {{3, 0.9f}};
  loaded.true_class = true_class;
  return loaded;
}

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    workspace_.open(nullptr, QStringLiteral("/m/model.pt"), {image("a.png", 0), image("b.png", 1)});
  }
  Workspace workspace_;
};

TEST_F(WorkspaceTest, OpeningAModelForgetsTheImageLayerAndCapture) {
  workspace_.set_current_image(1);
  workspace_.set_capture(1, std::make_shared<const CaptureResult>(), QStringLiteral("conv1"));
  QSignalSpy changed(&workspace_, &Workspace::modelChanged);
  workspace_.open(nullptr, QStringLiteral("/m/other.pt"), {image("c.png", 2)});
  EXPECT_EQ(changed.size(), 1);
  EXPECT_EQ(workspace_.model_path(), QStringLiteral("/m/other.pt"));
  EXPECT_EQ(workspace_.images().size(), 1u);
  EXPECT_EQ(workspace_.current_image(), -1);
  EXPECT_TRUE(workspace_.current_layer().isEmpty());
  EXPECT_EQ(workspace_.capture(), nullptr);
  EXPECT_EQ(workspace_.capture_image(), -1);
}

TEST_F(WorkspaceTest, CurrentImageChangesOnlyToAnotherValidImage) {
  QSignalSpy changed(&workspace_, &Workspace::currentImageChanged);
  workspace_.set_current_image(1);
  workspace_.set_current_image(1);
  workspace_.set_current_image(2);
  workspace_.set_current_image(-1);
  ASSERT_EQ(changed.size(), 1);
  EXPECT_EQ(changed.at(0).at(0).toInt(), 1);
  EXPECT_EQ(workspace_.current_image(), 1);
}

TEST_F(WorkspaceTest, SelectingTheSameLayerAgainStillSignals) {
  QSignalSpy changed(&workspace_, &Workspace::layerChanged);
  workspace_.set_current_layer(QStringLiteral("conv2"));
  workspace_.set_current_layer(QStringLiteral("conv2"));
  EXPECT_EQ(changed.size(), 2);
  EXPECT_EQ(workspace_.current_layer(), QStringLiteral("conv2"));
}

TEST_F(WorkspaceTest, ACaptureBringsItsLayerWithoutALayerSignal) {
  QSignalSpy layer(&workspace_, &Workspace::layerChanged);
  QSignalSpy captured(&workspace_, &Workspace::captureChanged);
  auto capture = std::make_shared<CaptureResult>();
  capture->activations.push_back({"relu1", FloatArray({1, 2}, std::vector<float>{1.0f, 2.0f})});
  workspace_.set_capture(0, capture, QStringLiteral("relu1"));
  EXPECT_EQ(captured.size(), 1);
  EXPECT_TRUE(layer.isEmpty());
  EXPECT_EQ(workspace_.current_layer(), QStringLiteral("relu1"));
  ASSERT_NE(workspace_.activation(QStringLiteral("relu1")), nullptr);
  EXPECT_EQ(workspace_.activation(QStringLiteral("relu1"))->values.size(), 2);
  EXPECT_EQ(workspace_.activation(QStringLiteral("relu2")), nullptr);
}

TEST_F(WorkspaceTest, AnImageAlreadyOpenIsFoundAndLearnsItsTrueClass) {
  QSignalSpy added(&workspace_, &Workspace::imageAdded);
  QSignalSpy updated(&workspace_, &Workspace::imageUpdated);
  EXPECT_EQ(workspace_.add_image(image("b.png", 1)), 1);
  EXPECT_TRUE(updated.isEmpty());
  EXPECT_EQ(workspace_.add_image(image("b.png", 1, 7)), 1);
  ASSERT_EQ(updated.size(), 1);
  EXPECT_EQ(workspace_.images()[1].true_class, 7);
  EXPECT_TRUE(added.isEmpty());
  // The same name with other pixels is another image.
  EXPECT_EQ(workspace_.add_image(image("b.png", 5)), 2);
  ASSERT_EQ(added.size(), 1);
  EXPECT_EQ(added.at(0).at(0).toInt(), 2);
}

TEST_F(WorkspaceTest, GridSettingsAndCompareRequestsAreSignalled) {
  QSignalSpy settings(&workspace_, &Workspace::gridSettingsChanged);
  GridSettings magma;
  magma.colormap = QStringLiteral("magma");
  workspace_.set_grid_settings(magma);
  EXPECT_EQ(settings.size(), 1);
  EXPECT_EQ(workspace_.grid_settings().colormap, QStringLiteral("magma"));
  QSignalSpy compare(&workspace_, &Workspace::compareRequested);
  workspace_.request_compare(-1, QStringLiteral("no partner"));
  ASSERT_EQ(compare.size(), 1);
  EXPECT_EQ(compare.at(0).at(0).toInt(), -1);
  EXPECT_EQ(compare.at(0).at(1).toString(), QStringLiteral("no partner"));
}

TEST(GridSettingsTest, AllFiltersOnScreenButTheExportsDefaultCapInFiles) {
  GridSettings settings;
  settings.normalization = QStringLiteral("signed");
  settings.colormap = QStringLiteral("inferno");
  settings.sort_by_mean = true;
  const ViewOptions view = settings.view_options();
  EXPECT_EQ(view.normalization, Normalization::kSigned);
  ASSERT_TRUE(view.colormap.has_value());
  EXPECT_EQ(*view.colormap, Colormap::kInferno);
  EXPECT_TRUE(view.sort_by_mean);
  EXPECT_GT(view.top_k, 4096);
  const ExportOptions exported = settings.export_options();
  EXPECT_EQ(exported.view.top_k, 0);
  EXPECT_EQ(exported.view.normalization, Normalization::kSigned);
  settings.top_k = 12;
  EXPECT_EQ(settings.view_options().top_k, 12);
  EXPECT_EQ(settings.export_options().view.top_k, 12);
  settings.colormap = QStringLiteral("nonsense");
  EXPECT_EQ(settings.colormap_or_default(), Colormap::kViridis);
}

}  // namespace
}  // namespace actscope
