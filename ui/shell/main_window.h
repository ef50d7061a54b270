// The main window: the shell of the desktop program. It lays out the panes
// (the layer tree and model summary on the left, the activations, weights,
// enlarged filter, Compare and Dataset tabs in the centre, the Grad-CAM dock
// on the right, the image strip below), puts the controllers' actions in the
// menus, shows their messages in the status bar, remembers the window and
// the grid settings, and opens dropped files. The features live in the
// controllers (ui/controllers), which share the workspace and the worker.
#pragma once

#include <memory>
#include <optional>

#include <QMainWindow>
#include <QByteArray>
#include <QList>
#include <QStringList>

#include "core/model/model_card.h"

class QAction;
class QDockWidget;
class QTabWidget;

namespace actscope {

class ActivationsController;
class AtlasController;
class CamController;
class CompareController;
class Controller;
class DatasetController;
class EngineWorker;
class ExportController;
class SessionController;
class Workspace;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading the model and images on the worker and returns at once
  // (see SessionController::open).
  void open(const QString& model_path, const QStringList& image_paths,
            const std::optional<ModelCard>& card = std::nullopt);
  // Opens dropped files (see SessionController::open_files).
  bool open_files(const QStringList& paths);
  // The layer to show first once a model's first image is captured.
  void set_preferred_layer(const QString& name);
  // Opens and predicts a dataset (see DatasetController::load).
  void load_dataset(const QString& path);
  // Shows a filter atlas file in the Filters tab (see AtlasController::open_atlas).
  void open_atlas(const QString& path);
  // Compares dataset image `index` with its partner (see DatasetController::compare_image).
  void compare_dataset_image(int index);

  // View > Reset Layout: every dock shown in its default place and size,
  // the window at its default size inside the screen.
  QAction* reset_layout_action() const { return reset_layout_; }
  void reset_layout();

  // Help > About: the version, the libraries' versions and the licenses (rich text).
  static QString about_text();

  Workspace& workspace() { return *workspace_; }
  SessionController& session() { return *session_; }
  ActivationsController& activations() { return *activations_; }
  CamController& cam() { return *cam_; }
  CompareController& compare() { return *compare_; }
  DatasetController& dataset() { return *dataset_; }
  ExportController& exports() { return *export_; }
  AtlasController& atlas() { return *atlas_; }

 Q_SIGNALS:
  // A session has been shown; `errors` lists the files that failed.
  void sessionShown(const QStringList& errors);
  // A dataset's predictions (or `error`, or "cancelled") are shown.
  void datasetShown(const QString& error);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_tabs();
  void build_docks();
  void build_menus();
  void wire(Controller* controller);
  void show_error(const QString& title, const QString& message);
  void show_about();
  void place_on_screen();
  void restore_settings();
  void save_settings() const;

  // ~MainWindow ends the worker's jobs first, then deletes the controllers
  // (children of the window), before the workspace and the panes go.
  std::unique_ptr<EngineWorker> worker_;
  std::unique_ptr<Workspace> workspace_;
  SessionController* session_;
  ActivationsController* activations_;
  CamController* cam_;
  CompareController* compare_;
  DatasetController* dataset_;
  ExportController* export_;
  AtlasController* atlas_;
  QTabWidget* tabs_;
  QList<QDockWidget*> docks_;
  QAction* reset_layout_;
  QByteArray default_state_;  // the docks as built, for Reset Layout
};

}  // namespace actscope
