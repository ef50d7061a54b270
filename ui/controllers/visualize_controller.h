// VisualizeController: feature visualization in the desktop program: what
// each filter of the browsed layer responds to most (core/visualize). For
// the filter chosen in the Filters view and for the enlarged filter, a panel
// shows the image synthesized for it beside the same objective on the
// filter's top image of the open atlas' dataset; "Visualize Layer" fills a
// grid with every filter's image, a batch at a time. Everything runs on the
// engine worker with progress and Cancel. Finished images are cached by
// (model digest, layer, filter, parameters_key), so a filter chosen again
// shows at once and the grid's images serve the panels; a run for a filter
// or a layer the user has left is cancelled and its result not shown.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <QString>

#include "core/visualize/visualize.h"
#include "ui/controllers/controller.h"
#include "ui/controllers/visualize_job.h"
#include "ui/state/engine_worker.h"

class QAction;
class QWidget;

namespace actscope {

class VisualizationPane;
class VisualizeLayerPane;
class Workspace;

class VisualizeController : public Controller {
  Q_OBJECT

 public:
  VisualizeController(Workspace& workspace, EngineWorker& worker, QObject* parent = nullptr);
  // Cancels the runs.
  ~VisualizeController() override;

  // "What it responds to most" of the Filters view's chosen filter, and of the enlarged filter.
  VisualizationPane* filters_panel() const { return panels_[kFiltersPanel].pane; }
  VisualizationPane* enlarged_panel() const { return panels_[kEnlargedPanel].pane; }
  // The grid of a layer's images (a page of the Filters view).
  VisualizeLayerPane* layer_pane() const { return layer_pane_; }
  QAction* visualize_action() const { return visualize_; }

  // The options of every run for `layer` (no filters): the pane's steps,
  // seed 0, the channel objective, the card's size.
  VisualizeOptions options(const QString& layer) const;
  // Computes the image of every filter of the browsed layer not cached yet
  // and shows the grid. Returns at once; layerShown follows.
  void visualize_layer();
  // The shell shows `page`: a panel that comes in sight computes what it lacks.
  void set_current_page(QWidget* page);
  // The cached image of `filter` of `layer` for the current options; null when none.
  const FilterVisualization* cached(const QString& layer, int filter) const;

 Q_SIGNALS:
  // A run was submitted to the worker: one filter's image (`filters` 1) or a layer's.
  void runStarted(const QString& layer, int filters);
  // A panel shows `filter`'s synthesized image (from the cache or a run).
  void filterShown(int filter);
  // A panel shows the objective on `filter`'s top dataset image.
  void topImageShown(int filter);
  // A filter's run ended without an image: "cancelled", or why.
  void filterFailed(int filter, const QString& error);
  // A layer's run ended: "" when every image is in the grid, "cancelled", or why not.
  void layerShown(const QString& error);

 private:
  enum PanelId { kFiltersPanel, kEnlargedPanel, kPanels };
  struct Panel {
    VisualizationPane* pane = nullptr;
    QString lane;
    bool in_sight = false;
    QString layer;
    int filter = -1;
    std::string key;           // the cache key of what it shows or waits for
    bool shows_image = false;  // the image of `key` is shown
    std::string running;       // the key its run on the worker computes ("": none)
    std::string stopped;       // a key whose run was cancelled or failed: not run again by itself
    CancelToken cancel = std::make_shared<std::atomic<bool>>(false);
  };
  struct LayerRun {
    QString layer;
    bool running = false;
    CancelToken cancel = std::make_shared<std::atomic<bool>>(false);
  };

  std::string key_for(const QString& layer, int filter) const;
  void connect_signals();
  void model_changed();
  void layer_changed();
  // Shows what panel `id` should show now; `start`: also a run stopped before.
  void show_panel(PanelId id, bool start);
  void show_nothing(Panel& panel, PanelId id);
  void stop(Panel& panel);
  void run_filter(PanelId id);
  void submit_filter(PanelId id, const VisualizeProgress& progress, const std::shared_ptr<PausedRun>& paused);
  void finish_filter(PanelId id, const std::string& key, const CancelToken& cancel,
                     Result<FilterVisualization> result);
  void show_cached(PanelId id, const FilterVisualization& image);
  void show_top_image(PanelId id);
  void show_top_result(PanelId id, const TopImageObjective& top);
  // The browsed layer's grid from the cache (placeholders for the rest), or a message.
  void refresh_grid();
  void store_batch(const std::string& model_identity, const VisualizeOptions& options,
                   const std::vector<FilterVisualization>& images);
  void finish_layer(const QString& layer, Result<int> done);

  Workspace& workspace_;
  EngineWorker& worker_;
  Panel panels_[kPanels];
  VisualizeLayerPane* layer_pane_;
  QAction* visualize_;
  LayerRun layer_run_;
  VisualizationCache cache_;
  std::map<std::string, TopImageObjective> top_cache_;  // by image key, dataset and image index
  std::shared_ptr<AtlasDataset> atlas_dataset_ = std::make_shared<AtlasDataset>();  // worker side
};

}  // namespace actscope
