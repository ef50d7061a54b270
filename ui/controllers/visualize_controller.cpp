#include "ui/controllers/visualize_controller.h"

#include <algorithm>

#include <QAction>
#include <QPointer>

#include "core/atlas/atlas.h"
#include "core/export/visualization_export.h"
#include "ui/panes/visualization_pane.h"
#include "ui/panes/visualize_layer_pane.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

const QString kLayerLane = QStringLiteral("visualize layer");
// Filters optimized together in a layer's run: a batch is one slice on the
// worker, so a capture or a CAM asked for meanwhile waits for one batch.
constexpr int kBatch = 16;
constexpr int kProgressEvery = 4;  // steps between two progress posts

// The atlas' first top image of `filter` of `layer`; null when the layer
// was not scanned or the filter has none.
const TopUnit* top_unit(const Atlas* atlas, const QString& layer, int filter) {
  if (!atlas) return nullptr;
  for (const LayerStats& stats : atlas->layers) {
    if (stats.name != layer.toStdString()) continue;
    if (filter < 0 || filter >= static_cast<int>(stats.filters.size())) return nullptr;
    const auto& top = stats.filters[static_cast<size_t>(filter)].top;
    return top.empty() ? nullptr : &top.front();
  }
  return nullptr;
}

QString objective_text(double value) { return QString::number(value, 'g', 4); }

}  // namespace

VisualizeController::VisualizeController(Workspace& workspace, EngineWorker& worker, QObject* parent)
    : Controller(parent), workspace_(workspace), worker_(worker), layer_pane_(new VisualizeLayerPane) {
  panels_[kFiltersPanel].pane = new VisualizationPane(QStringLiteral("visualizeFilters"), Qt::Horizontal);
  panels_[kFiltersPanel].lane = QStringLiteral("visualize filter");
  panels_[kEnlargedPanel].pane = new VisualizationPane(QStringLiteral("visualizeEnlarged"), Qt::Vertical);
  panels_[kEnlargedPanel].lane = QStringLiteral("visualize enlarged");
  visualize_ = new QAction(tr("&Visualize Layer"), this);
  visualize_->setObjectName(QStringLiteral("visualizeLayerAction"));
  visualize_->setToolTip(
      tr("Optimize an image for every filter of the browsed layer: what each responds to most (a grid in the "
         "Filters view)"));
  connect_signals();
  show_panel(kFiltersPanel, false);
  show_panel(kEnlargedPanel, false);
  layer_pane_->show_message(tr("Visualize Layer optimizes an image for every filter of the browsed layer."));
}

VisualizeController::~VisualizeController() {
  layer_run_.cancel->store(true);
  for (Panel& panel : panels_) panel.cancel->store(true);
}

void VisualizeController::connect_signals() {
  connect(visualize_, &QAction::triggered, this, &VisualizeController::visualize_layer);
  for (int id = 0; id < kPanels; ++id) {
    connect(panels_[id].pane, &VisualizationPane::cancelRequested, this, [this, id] {
      Panel& panel = panels_[id];
      panel.stopped = panel.running;
      stop(panel);
      panel.pane->show_message(tr("Cancelled: choose the filter again, or another, to compute it."));
      Q_EMIT filterFailed(panel.filter, QStringLiteral("cancelled"));
    });
  }
  connect(layer_pane_, &VisualizeLayerPane::cancelRequested, this,
          [this] { layer_run_.cancel->store(true); });
  connect(layer_pane_, &VisualizeLayerPane::filterClicked, &workspace_, &Workspace::choose_filter);
  connect(layer_pane_, &VisualizeLayerPane::stepsChanged, this, [this] {
    refresh_grid();
    show_panel(kFiltersPanel, false);
    show_panel(kEnlargedPanel, false);
  });
  connect(&workspace_, &Workspace::modelChanged, this, &VisualizeController::model_changed);
  connect(&workspace_, &Workspace::layerChanged, this, &VisualizeController::layer_changed);
  connect(&workspace_, &Workspace::captureChanged, this, &VisualizeController::layer_changed);
  connect(&workspace_, &Workspace::filterChosen, this, [this](int filter) {
    layer_pane_->select_filter(filter);
    show_panel(kFiltersPanel, true);
  });
  connect(&workspace_, &Workspace::enlargedFilterChanged, this, [this] { show_panel(kEnlargedPanel, true); });
  connect(&workspace_, &Workspace::atlasChanged, this, [this] {
    for (int id = 0; id < kPanels; ++id) {
      if (panels_[id].shows_image) show_top_image(static_cast<PanelId>(id));
    }
  });
}

VisualizeOptions VisualizeController::options(const QString& layer) const {
  VisualizeOptions options;
  options.layer = layer.toStdString();
  options.steps = layer_pane_->steps();
  options.batch = kBatch;
  return options;
}

std::string VisualizeController::key_for(const QString& layer, int filter) const {
  return visualization_key(workspace_.model() ? model_identity(*workspace_.model()) : std::string(), options(layer),
                           filter);
}

const FilterVisualization* VisualizeController::cached(const QString& layer, int filter) const {
  return workspace_.model() ? cache_.find(key_for(layer, filter)) : nullptr;
}

void VisualizeController::set_current_page(QWidget* page) {
  for (int id = 0; id < kPanels; ++id) {
    Panel& panel = panels_[id];
    const bool was = panel.in_sight;
    panel.in_sight = page && page->isAncestorOf(panel.pane);
    if (panel.in_sight && !was) show_panel(static_cast<PanelId>(id), true);
  }
}

void VisualizeController::model_changed() {
  layer_run_.cancel->store(true);  // the worker's session tokens are cancelled too
  layer_run_ = LayerRun{};
  layer_pane_->stop_running();
  for (int id = 0; id < kPanels; ++id) {
    Panel& panel = panels_[id];
    stop(panel);
    panel.key.clear();
    panel.stopped.clear();
    show_panel(static_cast<PanelId>(id), false);
  }
  refresh_grid();
}

// Another layer (or image) is browsed: a layer run of another layer stops,
// the panels and the grid follow.
void VisualizeController::layer_changed() {
  if (layer_run_.running && layer_run_.layer != workspace_.current_layer()) layer_run_.cancel->store(true);
  show_panel(kFiltersPanel, false);
  show_panel(kEnlargedPanel, false);
  if (!layer_run_.running) refresh_grid();
}

void VisualizeController::stop(Panel& panel) {
  if (panel.running.empty()) return;
  panel.cancel->store(true);
  panel.cancel = std::make_shared<std::atomic<bool>>(false);  // the stopped run's end is not reported
  panel.running.clear();
}

void VisualizeController::show_nothing(Panel& panel, PanelId id) {
  stop(panel);
  panel.key.clear();
  panel.filter = -1;
  panel.shows_image = false;
  panel.pane->set_title(tr("What it responds to most"));
  if (!workspace_.model()) {
    panel.pane->show_message(tr("Open a model."));
  } else if (id == kFiltersPanel) {
    panel.pane->show_message(tr("Select a filter: a row of the table, or a tile of Visualize Layer's grid."));
  } else {
    panel.pane->show_message(tr("Enlarge a filter to see what it responds to most."));
  }
}

void VisualizeController::show_panel(PanelId id, bool start) {
  Panel& panel = panels_[id];
  const int filter = id == kFiltersPanel ? workspace_.chosen_filter() : workspace_.enlarged_filter();
  const QString layer = workspace_.current_layer();
  if (!workspace_.model() || filter < 0 || layer.isEmpty()) {
    show_nothing(panel, id);
    return;
  }
  const std::string key = key_for(layer, filter);
  const bool same = key == panel.key;
  panel.key = key;
  panel.layer = layer;
  panel.filter = filter;
  panel.pane->set_title(tr("What %1 filter %2 responds to most").arg(layer).arg(filter));
  if (const FilterVisualization* image = cache_.find(key)) {
    if (!(same && panel.shows_image)) {
      stop(panel);
      show_cached(id, *image);
    }
    return;
  }
  if (panel.running == key) return;  // on its way
  stop(panel);                       // a run for a filter the user has left
  panel.shows_image = false;
  if (!start && panel.stopped == key) {  // cancelled or failed: run again when the user asks
    if (!same) panel.pane->show_message(tr("Not computed: choose the filter again to compute it."));
    return;
  }
  if (!panel.in_sight) {
    panel.pane->show_message(tr("Computed when this panel is in sight."));
    return;
  }
  run_filter(id);
}

void VisualizeController::run_filter(PanelId id) {
  Panel& panel = panels_[id];
  panel.cancel = worker_.token(panel.lane);
  panel.running = panel.key;
  panel.stopped.clear();
  panel.pane->show_running(
      tr("Optimizing an image for filter %1 (%2 steps)...").arg(panel.filter).arg(layer_pane_->steps()));
  auto progress = [self = QPointer<VisualizeController>(this), id, cancel = panel.cancel](int64_t done,
                                                                                          int64_t total) {
    if (done % kProgressEvery == 0 || done == total) {
      EngineWorker::post(self, [self, id, cancel, done, total] {
        if (self->panels_[id].cancel == cancel) self->panels_[id].pane->show_progress(done, total);
      });
    }
    return !*cancel;
  };
  Q_EMIT runStarted(panel.layer, 1);
  submit_filter(id, progress, std::make_shared<PausedRun>());
}

// The run of panel `id` on the worker, in the background: it gives way to
// a capture, a CAM or an image asked for meanwhile, and is submitted again
// with `paused`, going on from the step it stopped at.
void VisualizeController::submit_filter(PanelId id, const VisualizeProgress& progress,
                                        const std::shared_ptr<PausedRun>& paused) {
  Panel& panel = panels_[id];
  worker_.submit(
      panel.lane, this,
      [model = workspace_.shared_model(), options = options(panel.layer), filter = panel.filter, progress,
       give_way = worker_.foreground_waiting(), paused] {
        return visualize_filter(*model, options, filter, progress, give_way, *paused);
      },
      [this, id, progress, paused, key = panel.key, cancel = panel.cancel](Result<FilterVisualization> result) {
        if (!result && result.error() == kGaveWay && panels_[id].cancel == cancel && panels_[id].key == key) {
          submit_filter(id, progress, paused);
          return;
        }
        finish_filter(id, key, cancel, std::move(result));
      },
      Scope::kSession, Priority::kBackground);
}

void VisualizeController::finish_filter(PanelId id, const std::string& key, const CancelToken& cancel,
                                        Result<FilterVisualization> result) {
  if (result) cache_.insert(key, std::move(result).value());  // kept, also when the user has left it
  Panel& panel = panels_[id];
  if (panel.cancel != cancel) return;  // a newer run, or stopped
  panel.running.clear();
  if (panel.key != key) return;  // the user has left this filter
  if (const FilterVisualization* image = cache_.find(key)) {
    show_cached(id, *image);
    return;
  }
  const QString error = QString::fromStdString(result.error());
  panel.stopped = key;
  panel.pane->show_message(error == QStringLiteral("cancelled") ? tr("Cancelled.")
                                                                : tr("No image: %1").arg(error));
  Q_EMIT filterFailed(panel.filter, error);
}

void VisualizeController::show_cached(PanelId id, const FilterVisualization& image) {
  Panel& panel = panels_[id];
  panel.shows_image = true;
  panel.pane->show_synthesized(image.image, tr("Synthesized (%1 steps)\nmean of filter %2: %3")
                                                .arg(layer_pane_->steps())
                                                .arg(panel.filter)
                                                .arg(objective_text(image.objective)));
  Q_EMIT filterShown(panel.filter);
  show_top_image(id);
}

void VisualizeController::show_top_image(PanelId id) {
  Panel& panel = panels_[id];
  const std::shared_ptr<const Atlas> atlas = workspace_.atlas();
  const TopUnit* top = top_unit(atlas.get(), panel.layer, panel.filter);
  if (!atlas || !top) {
    panel.pane->clear_top_image(atlas ? tr("%1 was not scanned: no top image.").arg(panel.layer)
                                      : tr("Scan a dataset (Scan Dataset...) to see the filter's top image "
                                           "here with the same objective."));
    return;
  }
  const std::string top_key = panel.key + "|" + atlas->dataset_path + "|" + std::to_string(top->image);
  if (const auto found = top_cache_.find(top_key); found != top_cache_.end()) {
    show_top_result(id, found->second);
    return;
  }
  panel.pane->clear_top_image(tr("Reading %1...").arg(QString::fromStdString(top->name)));
  worker_.submit(
      panel.lane + QStringLiteral(" top"), this,
      [model = workspace_.shared_model(), options = options(panel.layer), filter = panel.filter,
       path = atlas->dataset_path, unit = *top,
       holder = atlas_dataset_] { return top_image_objective(*model, options, filter, path, unit, *holder); },
      [this, id, key = panel.key, top_key](Result<TopImageObjective> result) {
        if (result) top_cache_[top_key] = result.value();
        Panel& panel = panels_[id];
        if (panel.key != key || !panel.shows_image) return;  // the user has left this filter
        if (!result) {
          panel.pane->clear_top_image(tr("No top image: %1").arg(QString::fromStdString(result.error())));
          return;
        }
        show_top_result(id, result.value());
      });
}

void VisualizeController::show_top_result(PanelId id, const TopImageObjective& top) {
  Panel& panel = panels_[id];
  panel.pane->show_top_image(top.image, tr("Top dataset image %1\nmean of filter %2: %3")
                                            .arg(QString::fromStdString(top.name))
                                            .arg(panel.filter)
                                            .arg(objective_text(top.objective)));
  Q_EMIT topImageShown(panel.filter);
}

// ---------------------------------------------------------------------------
// A layer's grid

void VisualizeController::visualize_layer() {
  Q_EMIT pageRequested(layer_pane_);
  const QString layer = workspace_.current_layer();
  const LayerInfo* info = workspace_.layer_info(layer);
  if (!workspace_.model() || !info || info->shape.size() < 2) {
    layer_pane_->show_message(info ? tr("%1 has no filters to visualize.").arg(layer)
                                   : tr("Open a model and browse a layer to visualize its filters."));
    Q_EMIT layerShown(tr("no layer"));
    return;
  }
  layer_run_.cancel->store(true);
  VisualizeOptions options = this->options(layer);
  for (int filter = 0; filter < static_cast<int>(info->shape[1]); ++filter) {
    if (!cache_.find(key_for(layer, filter))) options.filters.push_back(filter);
  }
  layer_run_ = LayerRun{layer, !options.filters.empty(), worker_.token(kLayerLane)};
  refresh_grid();
  if (options.filters.empty()) {
    Q_EMIT layerShown(QString());
    return;
  }
  const int count = static_cast<int>(options.filters.size());
  auto job = std::make_shared<LayerVisualizationJob>();
  job->model = workspace_.shared_model();
  job->options = options;
  job->cancel = layer_run_.cancel;
  job->give_way = worker_.foreground_waiting();
  job->progress = [self = QPointer<VisualizeController>(this), cancel = layer_run_.cancel, count,
                   steps = options.steps](int64_t done, int64_t total) {
    if (done % kProgressEvery != 0 && done != total) return;
    const int finished = static_cast<int>(std::min<int64_t>(count, done / steps * kBatch));
    EngineWorker::post(self, [self, cancel, done, total, finished] {
      if (self->layer_run_.cancel == cancel) self->layer_pane_->show_progress(done, total, finished);
    });
  };
  job->batch_done = [self = QPointer<VisualizeController>(this), sha = model_identity(*job->model),
                     options](std::vector<FilterVisualization> images) {
    auto shared = std::make_shared<std::vector<FilterVisualization>>(std::move(images));
    EngineWorker::post(self, [self, sha, options, shared] { self->store_batch(sha, options, *shared); });
  };
  layer_pane_->show_running(count);
  Q_EMIT runStarted(layer, count);
  worker_.submit_slices(
      kLayerLane, this, [job] { return visualize_layer_slice(*job); },
      [this, layer, cancel = layer_run_.cancel](Result<int> done) {
        if (cancel == layer_run_.cancel) finish_layer(layer, std::move(done));
      });
}

// A finished batch: into the cache (also when the user has left its layer),
// then the grid and the panels that wait for one of its filters.
void VisualizeController::store_batch(const std::string& model_identity, const VisualizeOptions& options,
                                      const std::vector<FilterVisualization>& images) {
  for (const FilterVisualization& image : images) {
    cache_.insert(visualization_key(model_identity, options, image.filter), image);
  }
  if (QString::fromStdString(options.layer) != workspace_.current_layer()) return;
  refresh_grid();
  show_panel(kFiltersPanel, false);
  show_panel(kEnlargedPanel, false);
}

void VisualizeController::finish_layer(const QString& layer, Result<int> done) {
  layer_run_.running = false;
  layer_pane_->stop_running();
  const QString error = done ? QString() : QString::fromStdString(done.error());
  refresh_grid();  // the browsed layer's, which may be another by now
  if (error.isEmpty()) {
    Q_EMIT statusChanged(tr("%1: every filter's image is computed").arg(layer));
  } else if (error == QStringLiteral("cancelled")) {
    Q_EMIT statusChanged(tr("Visualization of %1 cancelled; the images finished so far are kept").arg(layer));
  } else {
    Q_EMIT errorRaised(tr("No visualization"), error);
  }
  Q_EMIT layerShown(error);
}

void VisualizeController::refresh_grid() {
  const QString layer = workspace_.current_layer();
  const LayerInfo* info = workspace_.model() ? workspace_.layer_info(layer) : nullptr;
  if (!info || info->shape.size() < 2 || info->shape[1] < 1) {
    layer_pane_->show_message(
        tr("Visualize Layer optimizes an image for every filter of the browsed layer."));
    return;
  }
  const ModelCard& card = workspace_.model()->card();
  const VisualizeOptions options = this->options(layer);
  const int count = static_cast<int>(info->shape[1]);
  std::vector<FilterVisualization> tiles(static_cast<size_t>(count));
  QStringList notes;
  int done = 0;
  for (int filter = 0; filter < count; ++filter) {
    FilterVisualization& tile = tiles[static_cast<size_t>(filter)];
    tile.filter = filter;
    if (const FilterVisualization* image = cache_.find(key_for(layer, filter))) {
      tile.image = image->image;
      notes << tr("synthesized image, mean of the filter on it %1").arg(objective_text(image->objective));
      ++done;
    } else {
      // A dark square holds the place of an image to come.
      const int width = options.width > 0 ? options.width : card.width;
      const int height = options.height > 0 ? options.height : card.height;
      tile.image = RgbImage{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3, 60)};
      notes << tr("not computed yet");
    }
  }
  if (done == 0 && !layer_run_.running) {
    layer_pane_->show_message(
        tr("Visualize Layer optimizes an image for each of the %1 filters of %2 (%3 steps each).")
            .arg(count)
            .arg(layer)
            .arg(options.steps));
    return;
  }
  auto view = std::make_shared<LayerView>();
  view->grid = visualization_grid(options, tiles);
  view->maps.count = count;
  view->maps.height = std::max(1, tiles.front().image.height);
  view->maps.width = std::max(1, tiles.front().image.width);
  const bool running = layer_run_.running && layer_run_.layer == layer;
  const QString message = done == count
                              ? tr("%1: all %2 filters' images. Click a tile to see it beside its top image.")
                                    .arg(layer)
                                    .arg(count)
                          : running ? tr("%1: %2 of %3 filters' images so far; the rest are being optimized.")
                                          .arg(layer)
                                          .arg(done)
                                          .arg(count)
                                    : tr("%1: %2 of %3 filters' images; Visualize Layer computes the rest.")
                                          .arg(layer)
                                          .arg(done)
                                          .arg(count);
  layer_pane_->show_grid(view, notes, message);
  layer_pane_->select_filter(workspace_.chosen_filter());
}

}  // namespace actscope
