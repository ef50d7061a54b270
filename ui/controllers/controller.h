// Controller: what every feature's controller shares with the shell. A
// controller owns its panes' behaviour, its actions and its jobs on the
// worker; it reports to the user through these signals, which the shell
// shows, and changes and watches the workspace, never another controller.
#pragma once

#include <QObject>
#include <QString>

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
};

}  // namespace actscope
