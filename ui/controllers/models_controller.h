// ModelsController: the Models view. Opens a second TorchScript model (B)
// beside the open one (A) on the engine worker, and computes the CKA of
// every layer of A with every layer of B (core/similarity/cka.h) over the
// open dataset a batch at a time on the worker, with progress and Cancel;
// without B, A is compared with itself. A run starts when the view comes to
// the front with nothing computed for the open models and dataset, when B
// opens, and on Run. A picked cell shows its two layers for the current
// image: A's from the current image's capture, B's captured on the worker
// (the image made by B's own card when it feeds B otherwise). Runs are
// cancelled by the worker's token when another model opens or the window
// closes; results of a run the user has left are dropped.
#pragma once

#include <memory>
#include <string>

#include <QString>

#include "core/similarity/cka.h"
#include "ui/controllers/controller.h"
#include "ui/state/engine_worker.h"

class QAction;
class QWidget;

namespace actscope {

class ModelsPane;
class Workspace;

class ModelsController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  ModelsController(Workspace& workspace, EngineWorker& worker, QWidget* window);
  // Cancels a run.
  ~ModelsController() override;

  ModelsPane* pane() const { return pane_; }
  QAction* open_second_action() const { return open_second_; }
  QAction* close_second_action() const { return close_second_; }

  // Loads `path` as model B on the worker (a B without a card takes A's).
  // Returns at once; secondModelShown follows, and the Models view runs.
  void open_second_model(const QString& path);
  // Compares A with itself again.
  void close_second_model();
  // Compares A with B (or with itself) over the dataset, the pane's number
  // of images in batches of 64. Returns at once; ckaShown follows.
  void run();
  // The run the heatmap shows; null when none.
  const CkaRun* shown() const { return shown_.get(); }
  // Shows A's layer `row` and B's layer `column` of the shown run for the
  // current image (captured on the worker when needed); pairShown follows.
  void choose_cell(int row, int column);
  // The dataset the next run reads ("" when none is open: see open_run_dataset).
  QString dataset() const;
  // The shell shows `page` in the centre.
  void set_current_page(QWidget* page);

 Q_SIGNALS:
  // Model B is open, or `error` says why not.
  void secondModelShown(const QString& error);
  // A run ended: `error` empty when the heatmap shows it, "cancelled" or what failed.
  void ckaShown(const QString& error);
  // The picked cell's two layers are drawn for the current image.
  void pairShown();

 private:
  // What a run compares: its result stands while these stay.
  struct Key {
    const Model* a = nullptr;
    const Model* b = nullptr;
    QString dataset;
    bool operator==(const Key& other) const {
      return a == other.a && b == other.b && dataset == other.dataset;
    }
  };
  Key key() const;
  void models_changed();
  void run_if_needed();
  void finish(Result<CkaRun> run);
  QString summary(const CkaRun& run) const;
  void show_labels();
  void choose_dataset_dialog();
  void open_second_dialog();
  void refresh_pair();
  void capture_pair(int image);
  void render_pair();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  ModelsPane* pane_;
  QAction* open_second_;
  QAction* close_second_;
  CancelToken cancel_ = std::make_shared<std::atomic<bool>>(false);
  Key running_;  // the run on its way (a == nullptr: none)
  Key shown_key_;
  std::shared_ptr<const CkaRun> shown_;
  QString chosen_dataset_;  // chosen in this view; "" follows the open dataset
  QString second_feeding_;  // how B is fed, for its tooltip
  bool page_shown_ = false;
  // The picked cell and what its grids are drawn from (by image index).
  std::string picked_a_, picked_b_;
  double picked_value_ = 0.0;
  std::shared_ptr<const CaptureResult> capture_a_, capture_b_;
  int capture_a_image_ = -1, capture_b_image_ = -1;
  std::shared_ptr<const CaptureResult> drawn_[2];  // what the grids' views point into
};

}  // namespace actscope
