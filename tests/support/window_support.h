// Opening the bundled model and samples in a window and waiting for the
// worker, shared by the GUI tests.
#pragma once

#include <ostream>

#include <gtest/gtest.h>
#include <QSignalSpy>
#include <QString>
#include <QStringList>

#include "core/model/image_input.h"
#include "tests/support/test_support.h"
#include "ui/controllers/activations_controller.h"
#include "ui/shell/main_window.h"

// GoogleTest prints QStrings as text (found by argument-dependent lookup).
inline void PrintTo(const QString& text, std::ostream* out) { *out << '"' << text.toStdString() << '"'; }

namespace actscope {

inline QStringList sample_paths() {
  QStringList paths;
  for (const auto& path : image_files_in((test::resource_dir() / "samples").string())) {
    paths << QString::fromStdString(path);
  }
  return paths;
}

// Opens and waits (on the event loop, without blocking it) for the worker.
inline QStringList open_and_wait(MainWindow& window, const QString& model, const QStringList& images) {
  QSignalSpy shown(&window, &MainWindow::sessionShown);
  window.open(model, images);
  EXPECT_TRUE(shown.wait(60000)) << "the session never arrived";
  return shown.isEmpty() ? QStringList{QStringLiteral("timeout")} : shown.takeFirst().at(0).toStringList();
}

inline QString bundled() { return QString::fromStdString(test::bundled_model().string()); }

// Opens and waits until the first image's layers are captured and drawn.
inline void open_and_wait_for_capture(MainWindow& window, const QString& model, const QStringList& images) {
  QSignalSpy captured(&window.activations(), &ActivationsController::captureShown);
  window.open(model, images);
  ASSERT_TRUE(captured.wait(60000)) << "the capture never arrived";
}

}  // namespace actscope
