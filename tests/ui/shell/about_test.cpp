// Help > About: what a bug report needs (versions) and the licenses.
#include <gtest/gtest.h>
#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTest>

#include "core/base/version.h"
#include "tests/support/window_support.h"
#include "ui/shell/main_window.h"

namespace actscope {
namespace {

TEST(AboutTest, NamesTheVersionsOfActscopeAndItsLibrariesAndTheLicenses) {
  const QString text = MainWindow::about_text();
  const LibraryVersions libraries = library_versions();
  EXPECT_TRUE(text.contains(QString::fromStdString(version())));
  EXPECT_TRUE(text.contains(QStringLiteral("LibTorch ") + QString::fromStdString(libraries.torch)));
  EXPECT_TRUE(text.contains(QStringLiteral("OpenCV ") + QString::fromStdString(libraries.opencv)));
  EXPECT_TRUE(text.contains(QString::fromLatin1(qVersion())));
  for (const char* license : {"BSD 3-Clause", "LGPL 3", "Apache 2.0", "MIT"}) {
    EXPECT_TRUE(text.contains(QString::fromLatin1(license))) << license;
  }
  EXPECT_FALSE(libraries.torch.empty());
  EXPECT_EQ(libraries.torch.front(), '1');  // Debian's LibTorch 1.13
}

TEST(AboutTest, HelpAboutOpensWithoutBlockingTheWindow) {
  MainWindow window;
  window.show();
  QAction* about = nullptr;
  for (QAction* menu : window.menuBar()->actions()) {
    if (!menu->menu()) continue;
    for (QAction* action : menu->menu()->actions()) {
      if (action->text() == QStringLiteral("&About actscope")) about = action;
    }
  }
  ASSERT_NE(about, nullptr);
  about->trigger();  // returns: the box is window-modal, not a nested event loop
  auto* box = window.findChild<QMessageBox*>(QStringLiteral("aboutDialog"));
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->isVisible());
  EXPECT_EQ(box->text(), MainWindow::about_text());
}

}  // namespace
}  // namespace actscope
