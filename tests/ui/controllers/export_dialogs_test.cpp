// Where export dialogs open: the last export folder, else the images'
// folder, else home.
#include "ui/controllers/export_dialogs.h"

#include <gtest/gtest.h>
#include <QDir>
#include <QSettings>

#include "core/data/loaded_images.h"
#include "tests/support/test_support.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

TEST(ExportDialogsTest, FirstExportOpensInTheImagesFolderThenInTheLastOne) {
  QSettings().remove(QStringLiteral("folders/export"));
  test::TempDir images;
  test::TempDir exports;
  Workspace workspace;
  LoadedImage image;
  image.input.name = (images / "coat.png").string();
  workspace.open(nullptr, QString(), {image});
  const QString folder = images_folder(workspace);
  EXPECT_EQ(folder, QString::fromStdString(images.path().string()));
  EXPECT_EQ(export_start_folder(folder), folder);
  EXPECT_EQ(export_start_folder(QString()), QDir::homePath());
  QSettings().setValue(QStringLiteral("folders/export"), QString::fromStdString(exports.path().string()));
  EXPECT_EQ(export_start_folder(folder), QString::fromStdString(exports.path().string()));
  QSettings().remove(QStringLiteral("folders/export"));
}

TEST(ExportDialogsTest, ADatasetImageOpensInTheDatasetsFolder) {
  test::TempDir dataset;
  Workspace workspace;
  LoadedImage image;
  image.input.name = "t10k[42]";
  image.input.dataset = dataset.path().string();
  image.input.dataset_index = 42;
  workspace.open(nullptr, QString(), {image});
  EXPECT_EQ(images_folder(workspace), QString::fromStdString(dataset.path().string()));
}

}  // namespace
}  // namespace actscope
