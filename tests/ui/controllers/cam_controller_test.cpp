// The Grad-CAM controller in the window: a class chosen for one image does
// not carry over to the next unless pinned.
#include "ui/controllers/cam_controller.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>
#include <QScrollArea>
#include <QTest>
#include <QAction>
#include <QCheckBox>
#include <QImage>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>

#include "core/explain/cam.h"
#include "core/maps/cam_render.h"
#include "core/maps/colorbar.h"
#include "core/model/model.h"
#include "tests/support/export_support.h"
#include "tests/support/image_checks.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/session_controller.h"
#include "ui/panes/cam_methods_view.h"
#include "ui/widgets/color_bar.h"
#include "ui/panes/cam_pane.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

class CamControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QSignalSpy shown(&window_.cam(), &CamController::camShown);
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    if (shown.isEmpty()) {
      ASSERT_TRUE(shown.wait(60000));
    }
  }

  // Chooses `target` for the current image and waits for its CAM.
  void choose(int target) {
    QSignalSpy shown(&window_.cam(), &CamController::camShown);
    window_.cam().pane()->set_target_class(target);
    ASSERT_TRUE(shown.wait(60000));
  }

  // Goes to the next image and waits for its CAM.
  void next_image() {
    QSignalSpy shown(&window_.cam(), &CamController::camShown);
    window_.session().next_image_action()->trigger();
    ASSERT_TRUE(shown.wait(60000));
  }

  int predicted(int image) { return window_.workspace().images()[image].top[0].class_index; }
  QString caption() { return window_.findChild<QLabel*>(QStringLiteral("camCaption"))->text(); }

  MainWindow window_;
};

// Nothing stale: from the moment another image is chosen until its CAM
// arrives, the last image's heatmap is dimmed toward gray with "computing"
// and no colour bar (it showed beside the new image as if it were its own).
TEST_F(CamControllerTest, WhileTheNextCamComputesTheLastHeatmapIsDimmedWithoutItsScale) {
  auto* heatmap = window_.findChild<QLabel*>(QStringLiteral("camOverlay"));
  auto* scale = window_.findChild<ColorBar*>(QStringLiteral("camScale"));
  ASSERT_TRUE(scale->has_scale());
  const auto spread = [heatmap] {  // how far the picture's colours reach from mid gray
    const QImage image = heatmap->pixmap().toImage().convertToFormat(QImage::Format_RGB888);
    int most = 0;
    for (int y = 0; y < image.height(); ++y) {
      const uchar* row = image.constScanLine(y);
      for (int x = 0; x < image.width() * 3; ++x) most = std::max(most, std::abs(row[x] - 128));
    }
    return most;
  };
  ASSERT_GT(spread(), 60);  // a jet heatmap reaches far from gray
  QSignalSpy shown(&window_.cam(), &CamController::camShown);
  window_.session().next_image_action()->trigger();
  ASSERT_TRUE(shown.isEmpty());  // results come through the event loop, which has not run yet
  EXPECT_LE(spread(), 43);
  EXPECT_FALSE(scale->has_scale());
  EXPECT_TRUE(caption().startsWith(QStringLiteral("computing"))) << caption().toStdString();
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_GT(spread(), 60);
  EXPECT_TRUE(scale->has_scale());
  EXPECT_FALSE(caption().startsWith(QStringLiteral("computing"))) << caption().toStdString();
}

TEST_F(CamControllerTest, ANewImageShowsItsOwnPredictedClassUnlessTheClassIsPinned) {
  ASSERT_NE(predicted(0), predicted(1));
  const int chosen = predicted(1) == 3 ? 4 : 3;  // neither image's prediction
  choose(chosen);
  EXPECT_EQ(window_.cam().target_class(), chosen);
  EXPECT_TRUE(caption().contains(QStringLiteral("(class %1)").arg(chosen))) << caption().toStdString();

  next_image();
  EXPECT_EQ(window_.cam().target_class(), -1);
  EXPECT_TRUE(caption().contains(QStringLiteral("(class %1)").arg(predicted(1)))) << caption().toStdString();
  EXPECT_TRUE(caption().endsWith(QStringLiteral("predicted"))) << caption().toStdString();
  EXPECT_TRUE(caption().contains(QStringLiteral("score "))) << caption().toStdString();

  choose(chosen);
  window_.findChild<QCheckBox*>(QStringLiteral("camPinClass"))->setChecked(true);
  next_image();
  EXPECT_EQ(window_.cam().target_class(), chosen);
  EXPECT_TRUE(caption().contains(QStringLiteral("(class %1)").arg(chosen))) << caption().toStdString();
  EXPECT_TRUE(caption().endsWith(QStringLiteral("pinned"))) << caption().toStdString();
}

TEST_F(CamControllerTest, AllMethodsShowsEveryMethodSideBySideAndCanBeCancelled) {
  QSignalSpy shown(&window_.cam(), &CamController::allMethodsShown);
  window_.findChild<QPushButton*>(QStringLiteral("camAllMethods"))->click();
  ASSERT_TRUE(shown.wait(120000));
  EXPECT_EQ(shown.at(0).at(0).toString(), QString());
  CamMethodsView* view = window_.cam().methods_view();
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(view->isVisible());
  ASSERT_TRUE(view->has_sheet());
  // The input and one picture per method that applies to the browsed layer
  // (CAM itself needs the layer before global pooling: noted, not drawn), each
  // cell at least 160 pixels wide.
  EXPECT_GE(view->sheet_size().width(), static_cast<int>(all_cam_methods().size()) * 160);
  // Fitted: every picture whole in the window, each under its name in a
  // readable font, and one colour bar with its numbers for all of them.
  QTest::qWait(0);
  ASSERT_EQ(view->captions().size(), view->pictures().size());
  ASSERT_GE(view->pictures().size(), 8);
  EXPECT_EQ(view->captions().front()->text(), QStringLiteral("input"));
  auto* area = view->findChild<QScrollArea*>();
  for (int i = 0; i < view->pictures().size(); ++i) {
    QLabel* picture = view->pictures()[i];
    const QRect in_area(picture->mapTo(area->viewport(), QPoint(0, 0)), picture->size());
    EXPECT_TRUE(area->viewport()->rect().contains(in_area)) << i;
    EXPECT_GE(picture->pixmap().width(), 48) << i;
    EXPECT_GE(view->captions()[i]->fontMetrics().ascent(), 10) << i;
  }
  const QStringList numbers = view->findChild<ColorBar*>(QStringLiteral("camMethodsScale"))->numbers();
  ASSERT_FALSE(numbers.isEmpty());
  EXPECT_EQ(numbers.front(), QStringLiteral("0"));
  EXPECT_EQ(numbers.back(), QStringLiteral("1"));

  shown.clear();
  window_.cam().show_all_methods();
  view->findChild<QPushButton*>(QStringLiteral("camMethodsCancel"))->click();
  ASSERT_TRUE(shown.wait(120000));
  EXPECT_EQ(shown.at(0).at(0).toString(), QStringLiteral("cancelled"));
  EXPECT_FALSE(view->has_sheet());
}

// One path per job: the window's All Methods sheet is the picture
// `actscope-cli cam --method all` writes for the same image, layer and
// class, pixel for pixel (the same methods in the same order, the same
// colormap and image weight).
TEST_F(CamControllerTest, TheAllMethodsSheetIsTheCommandLinesPixelForPixel) {
  QSignalSpy cam_shown(&window_.cam(), &CamController::camShown);
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("relu4")));
  QSignalSpy shown(&window_.cam(), &CamController::allMethodsShown);
  window_.cam().show_all_methods();
  ASSERT_TRUE(shown.wait(120000));
  ASSERT_EQ(shown.at(0).at(0).toString(), QString());
  const QImage sheet = window_.cam().methods_view()->sheet().convertToFormat(QImage::Format_RGB888);

  test::TempDir dir;
  const QString out = QString::fromStdString((dir / "all.png").string());
  const QString image = QString::fromStdString(window_.workspace().images()[window_.workspace().current_image()].input.name);
  QProcess cli;
  cli.start(QStringLiteral(ACTSCOPE_CLI), {QStringLiteral("cam"), QStringLiteral("--model"), bundled(),
                                           QStringLiteral("--image"), image, QStringLiteral("--layer"),
                                           QStringLiteral("relu4"), QStringLiteral("--method"), QStringLiteral("all"),
                                           QStringLiteral("--quiet"), QStringLiteral("--out"), out});
  ASSERT_TRUE(cli.waitForFinished(300000));
  ASSERT_EQ(cli.exitCode(), 0) << cli.readAllStandardError().toStdString();
  const QImage written = QImage(out).convertToFormat(QImage::Format_RGB888);
  ASSERT_EQ(written.size(), sheet.size());
  int differing_rows = 0;
  for (int y = 0; y < sheet.height(); ++y) {
    differing_rows += std::memcmp(written.constScanLine(y), sheet.constScanLine(y), static_cast<size_t>(sheet.width()) * 3) != 0;
  }
  EXPECT_EQ(differing_rows, 0) << "of " << sheet.height();
}

// The exported overlay is a figure a person can read: the 28x28 input enlarged
// 8 times, a caption above naming what it shows, the colour bar below.
TEST_F(CamControllerTest, ExportedOverlayIsEnlargedCaptionedAndHasItsColourBar) {
  test::TempDir dir;
  const QString path = QString::fromStdString((dir / "cam.png").string());
  QSignalSpy status(&window_.cam(), &Controller::statusChanged);
  const Status written = test::exported(window_.cam(), path, [&] { window_.cam().export_cam(path, /*report=*/true); });
  ASSERT_TRUE(written.ok()) << written.error();
  ASSERT_FALSE(status.isEmpty());
  EXPECT_EQ(status.last().at(0).toString(), QStringLiteral("Wrote %1").arg(path));

  const QImage figure(path);
  ASSERT_FALSE(figure.isNull());
  const int bar = render_colorbar({}, figure.width()).height;
  const int caption_rows = figure.height() - 224 - bar;
  EXPECT_GE(figure.width(), 224);
  EXPECT_GE(caption_rows, 2 * 18) << "two caption lines above the picture";
  auto non_background = [&figure](int top, int bottom) {
    int count = 0;
    for (int y = top; y < bottom; ++y)
      for (int x = 0; x < figure.width(); ++x) count += figure.pixelColor(x, y) != QColor(40, 40, 40);
    return count;
  };
  EXPECT_GT(non_background(0, caption_rows), 200) << "the caption has text";
  // The picture: 8x8 blocks of one colour each (nearest-neighbour enlargement).
  const int left = (figure.width() - 224) / 2;
  EXPECT_EQ(figure.pixelColor(left + 8 * 10, caption_rows + 8 * 14), figure.pixelColor(left + 8 * 10 + 7, caption_rows + 8 * 14 + 7));
  // The bar: the jet colormap from its first colour.
  const auto first = colormap_rgb(Colormap::kJet, 0);
  EXPECT_EQ(figure.pixelColor(8, caption_rows + 224 + 26), QColor(first[0], first[1], first[2]));
  // The picture is this image's Grad-CAM (of the browsed layer, which the
  // CAM follows) over it, each pixel an 8x8 block: the map computed again
  // here, by a model of its own.
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model.ok()) << model.error();
  const InputImage& input = window_.workspace().images()[window_.workspace().current_image()].input;
  CamOptions options;
  options.layers = {window_.workspace().current_layer().toStdString()};
  ASSERT_TRUE(caption().contains(QStringLiteral("gradcam on ") + window_.workspace().current_layer())) << caption().toStdString();
  auto cam = compute_cam(*model.value(), std::vector<InputImage>{input}, options);
  ASSERT_TRUE(cam.ok()) << cam.error();
  const RgbImage overlay = cam_overlay(input.display, cam.value().map.data(), 28, 28);
  int differing = 0;
  for (int y = 0; y < 28; ++y) {
    for (int x = 0; x < 28; ++x) {
      const auto expected = test::pixel(overlay, x, y);
      differing += figure.pixelColor(left + 8 * x + 4, caption_rows + 8 * y + 4) != QColor(expected[0], expected[1], expected[2]);
    }
  }
  EXPECT_EQ(differing, 0) << "of 784 pixels";
}

}  // namespace
}  // namespace actscope
