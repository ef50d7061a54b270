// The main window: the shell of the desktop program. A bar of views on the
// left (Browse, Compare, Dataset, Filters, Embedding, Models, Timeline: one
// task each) gives the chosen
// view the whole centre with its own docks (the layer tree and model
// summary, the Grad-CAM pane, the thin image strip), and each view's layout
// is remembered apart. It puts the controllers' actions in the menus, shows
// their messages in the status bar, remembers the window and the grid
// settings, and opens dropped files. The features live in the
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
class QStackedWidget;
class QTabWidget;

namespace actscope {

class ActivationsController;
class AtlasController;
class CamController;
class CompareController;
class Controller;
class DatasetController;
class EmbeddingController;
class EngineWorker;
class ExportController;
class ModelsController;
class SessionController;
class TimelineController;
class VisualizeController;
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
  // Applied to the card of every model opened from now on (see SessionController).
  void set_card_overrides(const CardOverrides& overrides);
  // The layer to show first once a model's first image is captured.
  void set_preferred_layer(const QString& name);
  // Opens and predicts a dataset (see DatasetController::load).
  void load_dataset(const QString& path);
  // Shows a filter atlas file in the Filters tab (see AtlasController::open_atlas).
  void open_atlas(const QString& path);
  // Compares dataset image `index` with its partner (see DatasetController::compare_image).
  void compare_dataset_image(int index);
  // Embeds a dataset with the default settings in the Embedding view (see EmbeddingController::run).
  void embed_dataset(const QString& path);
  // Opens `path` as model B and compares it in the Models view (see ModelsController::open_second_model).
  void open_second_model(const QString& path);
  // Follows a folder of checkpoints in the Timeline view (see TimelineController::open_run).
  void open_training_run(const QString& folder);

  // View > Reset Layout: every view's docks shown in their default places
  // and sizes, the window at its default size inside the screen.
  QAction* reset_layout_action() const { return reset_layout_; }
  void reset_layout();

  // The views of the bar on the left, in its order (Ctrl+1 .. Ctrl+7).
  enum View { kBrowse, kCompare, kDataset, kFilters, kEmbedding, kModels, kTimeline, kViews };
  View current_view() const { return current_view_; }
  // Shows `view` with the docks it had when last shown (its defaults the first time).
  void show_view(View view);
  // The page in sight: Browse's current tab (Activations, Weights or
  // Enlarged filter) or another view's page.
  QWidget* current_page() const;
  // Shows the view that holds `page` (and the tabs that hold it: Browse's,
  // the Filters view's).
  void show_page(QWidget* page);
  // The bar's button for `view`.
  QAction* view_action(View view) const { return view_actions_[view]; }

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
  EmbeddingController& embedding() { return *embedding_; }
  ModelsController& models() { return *models_; }
  TimelineController& timeline() { return *timeline_; }
  VisualizeController& visualize() { return *visualize_; }

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
  void build_views();
  void build_view_bar();
  void build_docks();
  // The docks `view` shows by default (by object name).
  static QStringList default_docks(View view);
  void apply_default_layout(View view);
  void build_menus();
  QList<QAction*> build_zoom_actions();
  // Zooms the grids in sight by `factor`, or fits them, or shows them 1:1.
  void zoom_grids(double factor);
  void wire(Controller* controller);
  void show_error(const QString& title, const QString& message);
  // "actscope - a.pt", with model B when one is open.
  void show_title();
  void show_about();
  void place_on_screen();
  void size_side_docks();
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
  EmbeddingController* embedding_;
  ModelsController* models_;
  TimelineController* timeline_;
  VisualizeController* visualize_;
  QStackedWidget* views_;
  QTabWidget* browse_tabs_;  // Activations, Weights, Enlarged filter
  QList<QAction*> view_actions_;
  View current_view_ = kBrowse;
  QList<QByteArray> view_states_;  // per view: the docks as the user left them ("" when never shown)
  QList<QDockWidget*> docks_;
  QAction* reset_layout_;
  QByteArray default_state_;  // the docks as built, for Reset Layout
};

}  // namespace actscope
