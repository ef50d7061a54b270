// The window on a laptop screen (the tests' offscreen screen is 1280x720):
// where it opens, how small it can be made with every pane usable, the View
// menu's panels and Reset Layout, and a saved layout from a larger screen.
#include <gtest/gtest.h>
#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTest>

#include "tests/support/window_support.h"
#include "ui/shell/main_window.h"
#include "ui/panes/dataset_pane.h"
#include "ui/panes/activations_pane.h"
#include "ui/controllers/activations_controller.h"
#include "ui/controllers/dataset_controller.h"

namespace actscope {
namespace {

QDockWidget* dock(const MainWindow& window, const char* name) {
  auto* found = window.findChild<QDockWidget*>(QString::fromLatin1(name));
  EXPECT_NE(found, nullptr) << name;
  return found;
}

// Widgets squeezed below the smallest size their layout needs: cut off.
QStringList clipped_widgets(const QWidget& root) {
  QStringList clipped;
  for (const QWidget* widget : root.findChildren<QWidget*>()) {
    if (!widget->isVisibleTo(&root) || widget->isWindow()) continue;
    const QSize needed = widget->minimumSizeHint().expandedTo(widget->minimumSize());
    if (!needed.isValid() || widget->layout() == nullptr) continue;
    if (widget->width() < needed.width() || widget->height() < needed.height()) {
      clipped << QStringLiteral("%1 (%2) %3x%4 < %5x%6")
                     .arg(widget->objectName(), QString::fromLatin1(widget->metaObject()->className()))
                     .arg(widget->width())
                     .arg(widget->height())
                     .arg(needed.width())
                     .arg(needed.height());
    }
  }
  return clipped;
}

TEST(WindowLayoutTest, OpensInsideTheScreensFreeArea) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  const QRect available = window.screen()->availableGeometry();
  ASSERT_EQ(available.size(), QSize(1280, 720)) << "the tests' laptop screen";
  EXPECT_TRUE(available.contains(window.frameGeometry())) << window.frameGeometry().width() << "x"
                                                          << window.frameGeometry().height();
}

TEST(WindowLayoutTest, CanBeMade1024x640WithNothingCutOff) {
  MainWindow window;
  window.show();
  open_and_wait_for_capture(window, bundled(), sample_paths());
  EXPECT_LE(window.minimumSizeHint().width(), 1024);
  EXPECT_LE(window.minimumSizeHint().height(), 640);
  window.resize(1024, 640);
  QTest::qWait(0);  // lets the layouts settle (no timing: one pass of the event loop)
  EXPECT_EQ(window.size(), QSize(1024, 640));
  for (const char* name : {"layersDock", "modelDock", "camDock", "imagesDock"}) {
    EXPECT_TRUE(dock(window, name)->isVisible()) << name;
  }
  EXPECT_EQ(clipped_widgets(window), QStringList());
}

TEST(WindowLayoutTest, ViewMenuListsEveryPanelAsACheckableEntry) {
  MainWindow window;
  QMenu* view = nullptr;
  for (QAction* menu : window.menuBar()->actions()) {
    if (menu->text() == QStringLiteral("&View")) view = menu->menu();
  }
  ASSERT_NE(view, nullptr);
  const QList<QDockWidget*> docks = window.findChildren<QDockWidget*>();
  ASSERT_EQ(docks.size(), 4);
  for (QDockWidget* panel : docks) {
    EXPECT_TRUE(view->actions().contains(panel->toggleViewAction())) << panel->objectName().toStdString();
    EXPECT_TRUE(panel->toggleViewAction()->isCheckable());
  }
  EXPECT_TRUE(view->actions().contains(window.reset_layout_action()));
}

TEST(WindowLayoutTest, CtrlAndANumberShowsThatView) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
  EXPECT_EQ(window.current_view(), MainWindow::kDataset);
  EXPECT_EQ(window.current_page(), static_cast<QWidget*>(window.dataset().pane()));
  EXPECT_TRUE(window.view_action(MainWindow::kDataset)->isChecked());
  QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
  EXPECT_EQ(window.current_view(), MainWindow::kBrowse);
  EXPECT_EQ(window.current_page(), static_cast<QWidget*>(window.activations().pane()));
}

TEST(WindowLayoutTest, ResetLayoutPutsEveryPanelBackInItsPlace) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  window.addDockWidget(Qt::LeftDockWidgetArea, dock(window, "camDock"));
  dock(window, "imagesDock")->toggleViewAction()->trigger();
  dock(window, "layersDock")->setFloating(true);
  ASSERT_FALSE(dock(window, "imagesDock")->isVisible());

  window.reset_layout_action()->trigger();
  EXPECT_EQ(window.dockWidgetArea(dock(window, "camDock")), Qt::RightDockWidgetArea);
  EXPECT_EQ(window.dockWidgetArea(dock(window, "imagesDock")), Qt::BottomDockWidgetArea);
  EXPECT_EQ(window.dockWidgetArea(dock(window, "layersDock")), Qt::LeftDockWidgetArea);
  EXPECT_FALSE(dock(window, "layersDock")->isFloating());
  for (QDockWidget* panel : window.findChildren<QDockWidget*>()) {
    EXPECT_TRUE(panel->isVisible()) << panel->objectName().toStdString();
  }
  EXPECT_TRUE(window.screen()->availableGeometry().contains(window.frameGeometry()));
}

// Saves a layout with the Grad-CAM panel hidden, as if the window had been
// `size` on some screen.
void save_layout_without_cam(const QSize& size) {
  MainWindow window;
  window.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
  dock(window, "camDock")->toggleViewAction()->trigger();
  window.close();  // saves
  QSettings().setValue(QStringLiteral("window/size"), size);
}

TEST(WindowLayoutTest, ALayoutSavedOnALargerScreenIsNotRestored) {
  save_layout_without_cam(QSize(1400, 880));
  MainWindow next;
  next.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&next));
  EXPECT_TRUE(dock(next, "camDock")->isVisible());
  EXPECT_TRUE(next.screen()->availableGeometry().contains(next.frameGeometry()));
}

TEST(WindowLayoutTest, ALayoutThatFitsIsRestored) {
  save_layout_without_cam(QSize(1100, 680));
  MainWindow next;
  next.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&next));
  EXPECT_FALSE(dock(next, "camDock")->isVisible());
}

// Every control a user can press, pick or type into says what it does.
TEST(WindowLayoutTest, EveryControlHasATooltip) {
  MainWindow window;
  window.show();
  open_and_wait_for_capture(window, bundled(), sample_paths());
  QStringList missing;
  for (QWidget* control : window.findChildren<QWidget*>()) {
    const bool is_control = qobject_cast<QAbstractButton*>(control) || qobject_cast<QComboBox*>(control) ||
                            qobject_cast<QAbstractSpinBox*>(control) || qobject_cast<QLineEdit*>(control) ||
                            qobject_cast<QAbstractSlider*>(control);
    if (!is_control || qobject_cast<QScrollBar*>(control) || control->inherits("QDockWidgetTitleButton") ||
        control->inherits("QTableCornerButton") ||
        control->inherits("QToolButton") || control->parentWidget()->inherits("QAbstractSpinBox") ||
        control->parentWidget()->inherits("QComboBox")) {
      continue;  // scroll bars, dock buttons and the parts of composite controls
    }
    if (control->toolTip().isEmpty()) {
      missing << QStringLiteral("%1 %2 '%3'").arg(QString::fromLatin1(control->metaObject()->className()),
                                                  control->objectName(),
                                                  qobject_cast<QAbstractButton*>(control)
                                                      ? qobject_cast<QAbstractButton*>(control)->text()
                                                      : QString());
    }
  }
  EXPECT_EQ(missing, QStringList());
}

}  // namespace
}  // namespace actscope
