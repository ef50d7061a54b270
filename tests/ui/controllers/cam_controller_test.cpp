// The Grad-CAM controller in the window: a class chosen for one image does
// not carry over to the next unless pinned.
#include "ui/controllers/cam_controller.h"

#include <gtest/gtest.h>
#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QSignalSpy>

#include "tests/support/window_support.h"
#include "ui/controllers/session_controller.h"
#include "ui/panes/cam_pane.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

class CamControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    QSignalSpy shown(&window_.cam(), &CamController::camShown);
    open_and_wait_for_capture(window_, bundled(), sample_paths());
    if (shown.isEmpty()) ASSERT_TRUE(shown.wait(60000));
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

}  // namespace
}  // namespace actscope
