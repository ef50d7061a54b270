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
  // `card` is what the user typed in for a model without one.
  void open(const QString& model_path, const QStringList& image_paths,
            const std::optional<ModelCard>& card = std::nullopt);

 Q_SIGNALS:
  // Emitted on the GUI thread when a session has been shown; `errors` lists
  // the files that failed (empty when everything loaded).
  void sessionShown(const QStringList& errors);
  // Emitted when a model without a card was opened and the card dialog shown.
  void cardRequested();

 private:
  void build_menus();
  void show_session(const Session& session);
  void ask_for_card(const Session& session);
  void open_model_dialog();
  void open_images_dialog();

  QLabel* model_summary_;
  QListWidget* image_strip_;
  QFutureWatcher<Session> loader_;
  QString model_path_;
  QStringList image_paths_;
};

}  // namespace actscope
