// Exports of the desktop program, driven and awaited as a user's would be:
// the export runs with the test's thread marked as the GUI thread (so a file
// written or a model run there fails it: core/base/gui_thread.h) and its
// outcome is the controller's exported() signal.
#pragma once

#include <gtest/gtest.h>
#include <QSignalSpy>
#include <QString>

#include "core/base/gui_thread.h"
#include "core/base/result.h"
#include "ui/controllers/controller.h"

namespace actscope::test {

// Runs `start` (which asks `controller` to export to `path`) on the marked
// GUI thread and waits, without blocking the event loop, for exported()
// about `path`: Done, or the error it reports.
template <typename Start>
Status exported(Controller& controller, const QString& path, Start start) {
  const GuiThreadScope gui;
  QSignalSpy spy(&controller, &Controller::exported);
  start();
  for (;;) {
    for (const QList<QVariant>& arguments : spy) {
      if (arguments.at(0).toString() != path) continue;
      const QString error = arguments.at(1).toString();
      if (error.isEmpty()) return Done{};
      return Error{error.toStdString()};
    }
    if (!spy.wait(60000)) return Error{"no exported() for " + path.toStdString() + " within a minute"};
  }
}

}  // namespace actscope::test
