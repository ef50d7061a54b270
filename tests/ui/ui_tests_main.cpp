// The GUI tests' main: an offscreen QApplication with settings of its own.
#include <gtest/gtest.h>
#include <QApplication>
#include <QSettings>

int main(int argc, char** argv) {
  // Also when CTest discovers the tests, where no display may exist.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  // The tests' own settings, started empty: never the user's.
  QApplication::setOrganizationName(QStringLiteral("actscope-tests"));
  QApplication::setApplicationName(QStringLiteral("ui_tests"));
  QSettings().clear();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
