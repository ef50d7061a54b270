// The GUI tests' main: an offscreen QApplication on a laptop-sized screen,
// with settings and a cache of its own, emptied before each test.
#include <utility>

#include <gtest/gtest.h>
#include <QApplication>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>

namespace {

// The offscreen platform's screen is 800x600 unless told otherwise; the
// window is meant for a 1280x720 laptop, so that is the screen the tests get.
bool use_laptop_screen(const QTemporaryDir& dir) {
  const QString path = dir.filePath(QStringLiteral("screen.json"));
  QFile config(path);
  if (!config.open(QIODevice::WriteOnly)) return false;
  config.write(R"({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 720,
                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})");
  config.close();
  qputenv("QT_QPA_PLATFORM", QStringLiteral("offscreen:configfile=%1").arg(path).toUtf8());
  return true;
}

// Each test starts from nothing remembered: no settings (last tab, folders,
// layouts) and an empty filter-atlas cache, also when one process runs many
// tests in any order (--gtest_shuffle, or the binary run on its own).
class FreshStateForEachTest : public ::testing::EmptyTestEventListener {
 public:
  explicit FreshStateForEachTest(QString root) : root_(std::move(root)) {}

  void OnTestStart(const ::testing::TestInfo& /*test*/) override {
    QSettings().clear();
    QSettings().sync();
    const QString cache = QStringLiteral("%1/cache/%2").arg(root_).arg(++count_);
    qputenv("XDG_CACHE_HOME", cache.toUtf8());
  }

 private:
  QString root_;
  int count_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  // One folder per process for the screen and the settings: `ctest -j` runs
  // tests side by side, which must not see each other's remembered folders,
  // layouts or cards.
  QTemporaryDir dir;
  if (!dir.isValid()) return 1;
  // Also when CTest discovers the tests, where no display may exist.
  const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
  if ((platform.isEmpty() || platform == "offscreen") && !use_laptop_screen(dir)) return 1;
  qputenv("XDG_CACHE_HOME", dir.filePath(QStringLiteral("cache")).toUtf8());  // the filter atlas cache
  QApplication app(argc, argv);
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
  QApplication::setOrganizationName(QStringLiteral("actscope-tests"));
  QApplication::setApplicationName(QStringLiteral("ui_tests"));
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new FreshStateForEachTest(dir.path()));
  return RUN_ALL_TESTS();
}
