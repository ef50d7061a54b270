// Controller: what every feature's controller shares with the shell. A
// controller owns its panes' behaviour, its actions and its jobs on the
// worker; it reports to the user through these signals, which the shell
// shows, and changes and watches the workspace, never another controller.
#pragma once

#include <QObject>
#include <QString>

#include "core/base/result.h"

class QWidget;

namespace actscope {

class Controller : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;

 Q_SIGNALS:
  // A line for the status bar.
  void statusChanged(const QString& text);
  // A failure the user must see (a message box titled `title`).
  void errorRaised(const QString& title, const QString& message);
  // Asks the shell to bring `page` (one of the controller's panes) to the front.
  void pageRequested(QWidget* page);
  // An export to `path` ended: `error` is empty when the file is written.
  // Exports are written on the engine worker, never on the GUI thread.
  void exported(const QString& path, const QString& error);

 protected:
  // Emits exported(); with `report`, also tells the user (status line or
  // message box), as an export the user asked for from a menu does.
  void finish_export(const QString& path, const Status& written, bool report) {
    const QString error = written ? QString() : QString::fromStdString(written.error());
    if (report && written) Q_EMIT statusChanged(tr("Wrote %1").arg(path));
    if (report && !written) Q_EMIT errorRaised(tr("Export failed"), error);
    Q_EMIT exported(path, error);
  }
};

}  // namespace actscope
