// The main window: the model's card and the loaded images with their
// predicted classes. Loading and prediction run on a worker thread.
#pragma once

#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>

#include "ui/session_loader.h"

class QLabel;
class QListWidget;

namespace actscope {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading the model and images on a worker thread and returns at once.
  // A later call supersedes an earlier one whose results have not arrived.
  void open(const QString& model_path, const QStringList& image_paths);

 Q_SIGNALS:
  // Emitted on the GUI thread when a session has been shown; `errors` lists
  // the files that failed (empty when everything loaded).
  void sessionShown(const QStringList& errors);

 private:
  void build_menus();
  void show_session(const Session& session);
  void open_model_dialog();
  void open_images_dialog();

  QLabel* model_summary_;
  QListWidget* image_strip_;
  QFutureWatcher<Session> loader_;
  QString model_path_;
  QStringList image_paths_;
};

}  // namespace actscope
