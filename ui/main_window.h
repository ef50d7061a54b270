// The main window: a layer tree, the selected layer's activation grid (and
// the conv weights), a Grad-CAM pane, the top-5 predictions and an image
// strip. The engine runs on one worker thread; the GUI thread only draws.
//
// One forward pass per image caches every layer, so switching layers only
// renders. Results for a selection the user has left are dropped.
#pragma once

#include <atomic>
#include <memory>

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QStringList>
#include <QThreadPool>

#include "core/explain/cam.h"
#include "core/explain/compare_sheet.h"
#include "core/data/dataset.h"
#include "ui/session_loader.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QSpinBox;
class QTabWidget;

namespace actscope {

class CamPane;
class ComparePane;
class DatasetPane;
class GridView;
class LayerTree;

// What the worker returns for one request about image `image`: the result,
// or the message of what went wrong.
template <typename T>
struct Outcome {
  std::shared_ptr<const T> result;
  QString error;
  int image = -1;
  int session = -1;  // which opened model it belongs to
};
using CaptureOutcome = Outcome<CaptureResult>;
using CamOutcome = Outcome<CamResult>;

// A dataset with the model's prediction of each of its images.
struct DatasetRun {
  std::shared_ptr<const Dataset> dataset;
  std::vector<DatasetPrediction> predictions;
};
using DatasetOutcome = Outcome<DatasetRun>;

// A dataset image (A) and its proposed partner (B), ready for the image strip;
// `note` says why there is no B when none was found.
struct ComparePair {
  std::vector<LoadedImage> images;
  std::string note;
};
using PairOutcome = Outcome<ComparePair>;
using PartnerOutcome = Outcome<size_t>;

// Images (by index) with their predictions and Grad-CAMs, for compare mode.
using Explanations = std::vector<std::pair<int, ImageExplanation>>;
using ExplanationsOutcome = Outcome<Explanations>;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading the model and images on the worker and returns at once.
  // A later call supersedes an earlier one whose results have not arrived.
  // `card` is what the user typed in for a model without one.
  void open(const QString& model_path, const QStringList& image_paths,
            const std::optional<ModelCard>& card = std::nullopt);

  // The layer to show first once a model's first image is captured.
  void set_preferred_layer(const QString& name) { preferred_layer_ = name; }

  // Opens dropped files: a .pt/.pth/.ptl is the model (else the current one
  // stays), the rest are images (else the current ones stay). False when
  // there is no model to open them with.
  bool open_files(const QStringList& paths);

  // Browsing, as the menus, keys and mouse do it.
  bool select_layer(const QString& name);
  QString current_layer() const { return current_layer_; }
  void step_layer(int step);  // to the previous/next layer with drawable output
  void select_image(int index);
  int current_image() const { return current_image_; }
  // The CAM's target class; -1 means the predicted class.
  int cam_class() const;
  void enlarge_filter(int filter);
  // Compare mode: image B for the Compare tab (-1: none); it is captured on
  // the worker, then the browsed layer is shown for both images.
  void set_compare_image(int index);
  int compare_image() const { return compare_image_; }
  // Compare mode: image B becomes the correctly classified open image of A's
  // true class nearest to A in the penultimate layer's features (found on
  // the worker). Opening the Compare tab does this for a misclassified A.
  void propose_compare_image();

  // Opens a dataset (a folder of class folders, or an IDX set; see
  // open_dataset) and predicts every image on the worker, with a progress bar
  // and Cancel in the Dataset tab. datasetShown reports the end.
  void load_dataset(const QString& path);
  // Adds dataset image `index` (A) and the correctly classified image of its
  // true class nearest to it (B) to the image strip and compares them.
  void compare_dataset_image(int index);

  // Exports (the menus ask for the path first). Errors are returned and shown.
  Status export_grid(const QString& path);
  Status export_cam(const QString& path);
  // Runs on the worker with a progress dialog; exportFinished reports the end.
  void export_all_layers(const QString& folder);
  // The comparison sheet of the Compare tab (see compose_comparison).
  Status export_comparison(const QString& path);

 Q_SIGNALS:
  // A session has been shown; `errors` lists the files that failed.
  void sessionShown(const QStringList& errors);
  // A model without a card was opened and the card dialog shown.
  void cardRequested();
  // The current image's layers were captured and the grid drawn.
  void captureShown();
  // A CAM (or its error) is shown in the Grad-CAM pane.
  void camShown();
  // The Compare tab shows the browsed layer for images A and B.
  void compareShown();
  // Both compared images' predictions and Grad-CAMs are shown.
  void explanationsShown();
  // A dataset's predictions (or `error`, or "cancelled") are shown.
  void datasetShown(const QString& error);
  // "Export all layers" finished; `error` is empty on success.
  void exportFinished(const QString& error);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_widgets();
  void build_menus();
  void restore_settings();
  void save_settings() const;
  void remember_recent(const QString& model_path);
  void rebuild_recent_menu();

  void show_session(const Session& session);
  void ask_for_card(const Session& session);
  void show_error(const QString& title, const QString& message);
  void open_model_dialog();
  void open_images_dialog();

  void request_capture();
  void show_capture(const CaptureOutcome& outcome);
  void render_layer_views();
  void render_weights();
  void hide_side_grid();
  void fit_grid(GridView* view);
  void request_cam();
  void request_compare_capture();
  void show_compare_capture(const CaptureOutcome& outcome);
  void render_compare();
  void show_cam(const CamOutcome& outcome);
  void request_explanations();
  bool show_explanations();
  void show_dataset(const DatasetOutcome& outcome);
  void show_pair(const PairOutcome& outcome);
  // Appends `image` to the session's images and the strip (or finds it there
  // by name) and returns its index.
  int add_image(const LoadedImage& image);
  void add_strip_item(const LoadedImage& image);
  void describe_strip_item(QListWidgetItem* item, const LoadedImage& image) const;
  void refresh_compare_choices();
  QString cam_layer() const;

  const LayerActivation* activation(const QString& name) const;
  const LayerInfo* layer_info(const QString& name) const;

  // Session
  std::shared_ptr<Model> model_;
  std::vector<LoadedImage> images_;
  QString model_path_;
  QStringList image_paths_;
  int current_image_ = -1;
  int session_ = 0;  // counts shown sessions: results of an earlier model are dropped
  QString current_layer_;
  std::shared_ptr<const CaptureResult> capture_;  // every layer of images_[capture_image_]
  int capture_image_ = -1;
  std::shared_ptr<const CamResult> cam_;
  int compare_image_ = -1;
  std::shared_ptr<const CaptureResult> compare_capture_;  // every layer of images_[compare_image_]
  QHash<int, std::shared_ptr<const ImageExplanation>> explanations_;  // by image index
  std::vector<int> explaining_;  // the images whose explanations are on their way
  int compare_choice_ = 0;      // counts choices of image B: a proposal made before a later choice is dropped
  int proposal_choice_ = -1;    // the choice the proposal on its way was made at
  QString dataset_model_path_;  // the model dataset_run_ was predicted with
  std::shared_ptr<const DatasetRun> dataset_run_;

  // Worker: one thread, so the engine runs one job at a time.
  QThreadPool engine_;
  QFutureWatcher<Session> loader_;
  QFutureWatcher<CaptureOutcome> capture_watcher_;
  QFutureWatcher<CamOutcome> cam_watcher_;
  QFutureWatcher<CaptureOutcome> compare_watcher_;
  QFutureWatcher<QString> export_watcher_;
  QFutureWatcher<ExplanationsOutcome> explain_watcher_;
  QFutureWatcher<DatasetOutcome> dataset_watcher_;
  QFutureWatcher<PairOutcome> pair_watcher_;
  QFutureWatcher<PartnerOutcome> partner_watcher_;
  std::shared_ptr<std::atomic<bool>> dataset_cancel_;
  std::shared_ptr<std::atomic<bool>> cam_cancel_;
  std::shared_ptr<std::atomic<bool>> export_cancel_;

  // Widgets
  QLabel* model_summary_;
  LayerTree* layer_tree_;
  QListWidget* image_strip_;
  QTabWidget* center_tabs_;
  GridView* grid_view_;
  GridView* pre_grid_view_;
  QWidget* pre_grid_box_;
  QLabel* pre_caption_;
  QComboBox* normalization_;
  QComboBox* colormap_;
  QCheckBox* sort_by_mean_;
  QSpinBox* top_k_;
  QCheckBox* pre_activation_;
  QLabel* weights_view_;
  QLabel* enlarged_view_;
  CamPane* cam_pane_;
  ComparePane* compare_pane_;
  DatasetPane* dataset_pane_;
  QMenu* recent_menu_;
  QString pinned_cam_layer_;
  QString preferred_layer_;
  bool user_zoom_ = false;  // Ctrl+wheel or the zoom keys: stop fitting grids to the window
};

}  // namespace actscope
