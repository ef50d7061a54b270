// Compare mode's controller with the activations controller (which captures
// image A), a worker and a workspace, without a window.
#include "ui/controllers/compare_controller.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>

#include "core/session/session.h"
#include "tests/support/export_support.h"
#include "tests/support/image_checks.h"
#include "tests/support/pane_support.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/activations_controller.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/compare_pane.h"
#include "ui/panes/layer_tree.h"
#include "ui/panes/picture_pane.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

class CompareControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::string> images;
    for (const QString& path : sample_paths()) images.push_back(path.toStdString());
    Session session = load_session(test::bundled_model().string(), images);
    ASSERT_TRUE(session.model);
    workspace_.open(session.model, bundled(), session.images);
    compare_.set_current_page(compare_.pane());  // the Compare tab is in front
  }
  void TearDown() override {
    for (QWidget* pane :
         std::initializer_list<QWidget*>{activations_.tree(), activations_.pane(), activations_.weights(),
                                         activations_.enlarged(), compare_.pane()}) {
      delete pane;
    }
  }
  int row_of(const QString& file) const {
    for (size_t i = 0; i < workspace_.images().size(); ++i) {
      if (QFileInfo(QString::fromStdString(workspace_.images()[i].input.name)).fileName() == file)
        return static_cast<int>(i);
    }
    return -1;
  }

  EngineWorker worker_;
  Workspace workspace_;
  ActivationsController activations_{workspace_, worker_, nullptr};
  CompareController compare_{workspace_, worker_, nullptr};
};

TEST_F(CompareControllerTest, AnImageComparedWithItselfDiffersNowhereAndItsSheetIsWritten) {
  QSignalSpy explained(&compare_, &CompareController::explanationsShown);
  workspace_.set_current_image(row_of(QStringLiteral("01236_shirt.png")));
  compare_.set_image_b(workspace_.current_image());
  ASSERT_TRUE(explained.wait(60000));
  auto* difference = compare_.pane()->findChild<GridView*>(QStringLiteral("compareDifference"));
  ASSERT_GT(difference->tile_count(), 0);
  for (float value : difference->view().maps.values) EXPECT_EQ(value, 0.5f);
  test::TempDir dir;
  const QString sheet = QString::fromStdString((dir / "sheet.png").string());
  auto exported_sheet = test::exported(compare_, sheet, [&] { compare_.export_comparison(sheet); });
  ASSERT_TRUE(exported_sheet.ok()) << exported_sheet.error();
  // The sheet holds the three grids on screen, pixel for pixel (below their captions).
  const RgbImage written = test::read_rgb(sheet);
  for (const char* name : {"compareA", "compareB", "compareDifference"}) {
    const Grid& grid = test::named<GridView>(*compare_.pane(), name)->view().grid;
    EXPECT_TRUE(test::contains_image(written, grid.image, grid.caption_height)) << name;
    RgbImage changed = grid.image;  // one pixel off: not found
    changed.pixels[changed.pixels.size() / 2] ^= 0x40;
    EXPECT_FALSE(test::contains_image(written, changed, grid.caption_height)) << name;
  }
}

// One path per job: the sheet the window exports for two images is the
// picture `actscope-cli compare` writes for them, pixel for pixel (the same
// captures, each image alone; the same Grad-CAMs and composition).
TEST_F(CompareControllerTest, TheExportedSheetEqualsTheCommandLinesPixelForPixel) {
  QSignalSpy explained(&compare_, &CompareController::explanationsShown);
  QSignalSpy shown(&compare_, &CompareController::compareShown);
  workspace_.set_current_layer(QStringLiteral("relu4"));
  workspace_.set_current_image(row_of(QStringLiteral("01236_shirt.png")));
  compare_.set_image_b(row_of(QStringLiteral("07654_shirt.png")));
  ASSERT_TRUE(explained.wait(60000));
  while (shown.isEmpty()) ASSERT_TRUE(shown.wait(60000));
  test::TempDir dir;
  const QString sheet = QString::fromStdString((dir / "window.png").string());
  auto exported_sheet = test::exported(compare_, sheet, [&] { compare_.export_comparison(sheet); });
  ASSERT_TRUE(exported_sheet.ok()) << exported_sheet.error();

  QProcess cli;
  const QString out = QString::fromStdString((dir / "cli").string());
  cli.start(QStringLiteral(ACTSCOPE_CLI),
            {QStringLiteral("compare"), QStringLiteral("--model"), bundled(), QStringLiteral("--image"),
             QString::fromStdString((test::resource_dir() / "samples" / "01236_shirt.png").string()), QStringLiteral("--image"),
             QString::fromStdString((test::resource_dir() / "samples" / "07654_shirt.png").string()), QStringLiteral("--layer"), QStringLiteral("relu4"),
             QStringLiteral("--true"), QStringLiteral("Shirt"), QStringLiteral("--true"), QStringLiteral("Shirt"),
             QStringLiteral("--out"), out});
  ASSERT_TRUE(cli.waitForFinished(120000));
  ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
  const RgbImage window = test::read_rgb(sheet);
  const RgbImage command_line = test::read_rgb(out + QStringLiteral("/sheet.png"));
  ASSERT_EQ(window.width, command_line.width);
  ASSERT_EQ(window.height, command_line.height);
  size_t differing = 0;
  for (size_t i = 0; i < window.pixels.size(); ++i) differing += window.pixels[i] != command_line.pixels[i];
  EXPECT_EQ(differing, 0u) << "of " << window.pixels.size() << " bytes";
}

// The sheet exported into a folder that cannot exist (under a regular file,
// which holds for root too) or onto a full disk fails with a message naming
// the path and the cause, and creates nothing.
TEST_F(CompareControllerTest, ASheetThatCannotBeWrittenSaysWhereAndWhy) {
  QSignalSpy explained(&compare_, &CompareController::explanationsShown);
  workspace_.set_current_image(row_of(QStringLiteral("01236_shirt.png")));
  compare_.set_image_b(row_of(QStringLiteral("07654_shirt.png")));
  ASSERT_TRUE(explained.wait(60000));
  test::TempDir dir;
  test::write_file(dir / "a_file", "x");
  const auto sheet_to = [&](const QString& path) {
    return test::exported(compare_, path, [&] { compare_.export_comparison(path); });
  };
  auto written = sheet_to(QString::fromStdString((dir / "a_file" / "sheet.png").string()));
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().find((dir / "a_file").string() + ": not a folder"), std::string::npos) << written.error();
  written = sheet_to(QStringLiteral("/dev/full"));
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().find("/dev/full: cannot write (No space left on device)"), std::string::npos)
      << written.error();
  {
    test::FileSizeLimit limit(4096);
    written = sheet_to(QString::fromStdString((dir / "sheet.png").string()));
  }
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().find("sheet.png: cannot write (File too large)"), std::string::npos) << written.error();
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()), 1)
      << "only a_file";
}

TEST_F(CompareControllerTest, AProposalThatArrivesAfterTheUserChoseBIsDropped) {
  workspace_.set_current_image(row_of(QStringLiteral("01557_bag.png")));  // a Bag taken for a Trouser
  QSignalSpy settled(&compare_, &CompareController::proposalSettled);
  QSignalSpy compared(&compare_, &CompareController::compareShown);
  compare_.propose();  // would propose 04309_bag.png
  const int chosen = row_of(QStringLiteral("08828_trouser.png"));
  compare_.set_image_b(chosen);
  ASSERT_TRUE(compared.wait(60000));  // B is captured after the proposal was made
  ASSERT_TRUE(!settled.isEmpty() || settled.wait(60000));
  EXPECT_FALSE(settled.takeFirst().at(0).toBool()) << "the late proposal was applied";
  EXPECT_EQ(compare_.image_b(), chosen);
}

TEST_F(CompareControllerTest, AProposalForAMisclassifiedImageIsTheNearestCorrectOneOfItsClass) {
  workspace_.set_current_image(row_of(QStringLiteral("01236_shirt.png")));
  QSignalSpy compared(&compare_, &CompareController::compareShown);
  compare_.propose();
  ASSERT_TRUE(compared.wait(60000));
  EXPECT_EQ(compare_.image_b(), row_of(QStringLiteral("07654_shirt.png")));
}

}  // namespace
}  // namespace actscope
