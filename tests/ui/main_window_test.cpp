// The main window, driven offscreen through its real widgets.
#include "ui/main_window.h"

#include <gtest/gtest.h>
#include <QApplication>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QSpinBox>

#include "core/image_input.h"
#include "tests/support/test_support.h"
#include "ui/card_dialog.h"

namespace actscope {
namespace {

QStringList sample_paths() {
  QStringList paths;
  for (const auto& path : image_files_in((test::resource_dir() / "samples").string())) {
    paths << QString::fromStdString(path);
  }
  return paths;
}

// Opens and waits (on the event loop, without blocking it) for the worker.
QStringList open_and_wait(MainWindow& window, const QString& model, const QStringList& images) {
  QSignalSpy shown(&window, &MainWindow::sessionShown);
  window.open(model, images);
  EXPECT_TRUE(shown.wait(60000)) << "the session never arrived";
  return shown.isEmpty() ? QStringList{QStringLiteral("timeout")} : shown.takeFirst().at(0).toStringList();
}

TEST(MainWindowTest, ShowsEverySampleWithItsPredictedClass) {
  MainWindow window;
  window.show();
  const QStringList images = sample_paths();
  ASSERT_FALSE(images.isEmpty());
  const QStringList errors =
      open_and_wait(window, QString::fromStdString(test::bundled_model().string()), images);
  EXPECT_TRUE(errors.isEmpty()) << errors.join('\n').toStdString();

  auto* strip = window.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  ASSERT_NE(strip, nullptr);
  ASSERT_EQ(strip->count(), images.size());
  const auto samples = test::samples_manifest()["samples"];
  for (int row = 0; row < strip->count(); ++row) {
    const QString text = strip->item(row)->text();
    for (const auto& sample : samples) {
      if (text.startsWith(QString::fromStdString(sample["file"].get<std::string>()))) {
        EXPECT_EQ(strip->item(row)->data(Qt::UserRole).toInt(), sample["predicted_class"].get<int>())
            << text.toStdString();
        EXPECT_TRUE(text.contains(QString::fromStdString(sample["predicted_label"].get<std::string>())));
      }
    }
  }
}

TEST(MainWindowTest, BadModelShowsAMessageInsteadOfCrashing) {
  MainWindow window;
  window.show();
  const QStringList errors = open_and_wait(window, QStringLiteral("/nowhere/missing.pt"), sample_paths());
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains(QStringLiteral("/nowhere/missing.pt"))) << errors[0].toStdString();
  EXPECT_EQ(window.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 0);
}

TEST(MainWindowTest, UnreadableImageIsReportedAndTheRestShown) {
  test::TempDir dir;
  test::write_file(dir / "broken.png", "not an image");
  MainWindow window;
  window.show();
  QStringList images = sample_paths().mid(0, 2);
  images << QString::fromStdString((dir / "broken.png").string());
  const QStringList errors =
      open_and_wait(window, QString::fromStdString(test::bundled_model().string()), images);
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains(QStringLiteral("broken.png")));
  EXPECT_EQ(window.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 2);
}

TEST(MainWindowTest, ModelWithoutCardAsksForItsInputInADialog) {
  MainWindow window;
  window.show();
  QSignalSpy asked(&window, &MainWindow::cardRequested);
  QSignalSpy shown(&window, &MainWindow::sessionShown);
  const QStringList images = sample_paths().mid(0, 2);
  window.open(QString::fromStdString((test::fixture_dir() / "twice_scripted.pt").string()), images);
  ASSERT_TRUE(asked.wait(60000));
  auto* dialog = window.findChild<CardDialog*>(QStringLiteral("cardDialog"));
  ASSERT_NE(dialog, nullptr);
  // The first conv layer of the model takes 3 channels: the dialog suggests it.
  EXPECT_EQ(dialog->findChild<QSpinBox*>(QStringLiteral("channels"))->value(), 3);
  dialog->findChild<QSpinBox*>(QStringLiteral("height"))->setValue(16);
  dialog->findChild<QSpinBox*>(QStringLiteral("width"))->setValue(16);
  dialog->findChild<QLineEdit*>(QStringLiteral("mean"))->setText(QStringLiteral("0.5, 0.5"));
  dialog->accept();
  EXPECT_TRUE(dialog->isVisible()) << "two means for three channels must be refused";
  dialog->findChild<QLineEdit*>(QStringLiteral("mean"))->setText(QStringLiteral("0.5, 0.5, 0.5"));
  dialog->accept();
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_TRUE(shown.takeFirst().at(0).toStringList().isEmpty());
  EXPECT_EQ(window.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 2);
}

}  // namespace
}  // namespace actscope

int main(int argc, char** argv) {
  // Also when CTest discovers the tests, where no display may exist.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
