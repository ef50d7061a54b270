#include "ui/controllers/activations_controller.h"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QFileInfo>

#include "core/export/layer_export.h"
#include "core/io/atomic_file.h"
#include "core/maps/cam_render.h"
#include "core/maps/colorbar.h"
#include "core/maps/filter_weights.h"
#include "core/maps/grid.h"
#include "core/model/layer_query.h"
#include "core/model/receptive_fields.h"
#include "ui/controllers/export_dialogs.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/layer_tree.h"
#include "ui/panes/picture_pane.h"
#include "ui/state/capture_request.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"
#include "ui/widgets/grid_view.h"
#include "ui/widgets/pixmap.h"
#include "ui/state/file_jobs.h"

namespace actscope {
namespace {

QAction* action(const QString& text, const QKeySequence& keys, QObject* parent) {
  auto* created = new QAction(text, parent);
  created->setShortcut(keys);
  created->setShortcutContext(Qt::WindowShortcut);
  return created;
}

}  // namespace

ActivationsController::ActivationsController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window),
      workspace_(workspace),
      worker_(worker),
      window_(window),
      tree_(new LayerTree),
      pane_(new ActivationsPane),
      weights_(new PicturePane(QStringLiteral("weightsView"),
                               tr("Select a Conv2d layer to see its filter weights."))),
      enlarged_(new PicturePane(QStringLiteral("enlargedView"),
                                tr("Double-click a filter (or press Enter) to enlarge it; Esc goes back."))) {
  // Fitted: the picture and its colour bar in sight at once (1:1 on request).
  weights_->set_fit(true);
  enlarged_->set_fit(true);
  build_actions();
  connect_workspace();
  connect(tree_, &LayerTree::layerChosen, this, &ActivationsController::select_layer);
  connect(tree_, &LayerTree::layerActivated, pane_, &ActivationsPane::enlarge_selected);
  connect(pane_, &ActivationsPane::enlargeRequested, this, &ActivationsController::enlarge_filter);
  connect(pane_, &ActivationsPane::hovered, this, &ActivationsController::statusChanged);
  connect(pane_, &ActivationsPane::settingsChanged, &workspace_, &Workspace::set_grid_settings);
  connect(pane_, &ActivationsPane::unitHovered, this, [this](int filter, int y, int x) {
    workspace_.set_hovered_unit(filter < 0 ? HoveredUnit{} : HoveredUnit{workspace_.current_layer(), filter, y, x});
  });
  connect(enlarged_, &PicturePane::pointHovered, this, &ActivationsController::hover_enlarged);
  connect(weights_, &PicturePane::pointHovered, this, &ActivationsController::hover_weights);
  connect(weights_, &PicturePane::pointDoubleClicked, this, &ActivationsController::toggle_weights_filter);
}

// The unit under the mouse in the Enlarged filter tab.
void ActivationsController::hover_enlarged(double fx, double fy) {
  if (fx < 0 || enlarged_filter_ < 0 || !shown_) {
    workspace_.set_hovered_unit({});
    return;
  }
  const int y = std::min(shown_->maps.height - 1, static_cast<int>(fy * shown_->maps.height));
  const int x = std::min(shown_->maps.width - 1, static_cast<int>(fx * shown_->maps.width));
  workspace_.set_hovered_unit({workspace_.current_layer(), enlarged_filter_, y, x});
}

// The receptive fields of the open model, once, on the worker; the layer
// tree's tooltips then give each layer's.
void ActivationsController::compute_fields() {
  if (workspace_.has_receptive_fields() || !workspace_.model()) {
    show_fields();
    return;
  }
  std::shared_ptr<const Model> model = workspace_.shared_model();
  worker_.submit(
      QStringLiteral("receptive fields"), this,
      [model]() -> Result<std::vector<ReceptiveField>> { return receptive_fields(*model); },
      [this](Result<std::vector<ReceptiveField>> fields) {
        if (fields) workspace_.set_receptive_fields(std::move(fields).value());
      });
}

void ActivationsController::show_fields() {
  if (!workspace_.model()) return;
  QHash<QString, QString> texts;
  for (const LayerInfo& layer : workspace_.model()->layers()) {
    const QString name = QString::fromStdString(layer.name);
    if (const ReceptiveField* field = workspace_.receptive_field(name)) {
      texts.insert(name, QString::fromStdString(describe_field(*field)));
    }
  }
  tree_->set_field_texts(texts);
}

void ActivationsController::build_actions() {
  export_ = new QAction(tr("&Export Current Grid..."), this);
  export_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  connect(export_, &QAction::triggered, this, &ActivationsController::export_grid_dialog);
  QAction* previous = action(tr("&Previous Layer"), QKeySequence(Qt::Key_PageUp), this);
  connect(previous, &QAction::triggered, this, [this] { step_layer(-1); });
  QAction* next = action(tr("&Next Layer"), QKeySequence(Qt::Key_PageDown), this);
  connect(next, &QAction::triggered, this, [this] { step_layer(1); });
  QAction* back = action(tr("&Back to the Grid"), QKeySequence(Qt::Key_Escape), this);
  connect(back, &QAction::triggered, this, [this] {
    Q_EMIT pageRequested(pane_);
    pane_->focus_grid();
  });
  view_actions_ = {previous, next, back};
}

void ActivationsController::connect_workspace() {
  connect(&workspace_, &Workspace::modelChanged, this, &ActivationsController::reset);
  connect(&workspace_, &Workspace::currentImageChanged, this, &ActivationsController::capture_current_image);
  connect(&workspace_, &Workspace::captureChanged, this, &ActivationsController::show_layer);
  connect(&workspace_, &Workspace::layerChanged, this, &ActivationsController::show_layer);
  // The status line names the layer browsed, not the one of the last capture.
  connect(&workspace_, &Workspace::layerChanged, this, [this] {
    const LayerInfo* layer = workspace_.layer_info(workspace_.current_layer());
    if (!layer) return;
    Q_EMIT statusChanged(tr("%1: %2, output %3")
                             .arg(QString::fromStdString(layer->name), QString::fromStdString(layer->kind),
                                  QString::fromStdString(shape_string(layer->shape))));
  });
  connect(&workspace_, &Workspace::gridSettingsChanged, this, &ActivationsController::render_layer_views);
  connect(&workspace_, &Workspace::fieldsChanged, this, &ActivationsController::show_fields);
  connect(&workspace_, &Workspace::datasetMarksChanged, this, &ActivationsController::render_layer_views);
  connect(&workspace_, &Workspace::filterRequested, this, [this](int filter) {
    // Drawn already for the current image: now; else once its capture is drawn.
    if (shown_ && workspace_.capture_image() == workspace_.current_image()) {
      pane_->grid()->select_filter(filter);
    } else {
      pending_filter_ = filter;
    }
  });
}

void ActivationsController::reset() {
  pane_->hide_side();
  weights_layer_.clear();  // another model: its Weights tab starts on every filter
  weights_expanded_ = -1;
  weights_drawn_.reset();
  tree_->set_layers(workspace_.model()->layers());
  compute_fields();
  shown_.reset();
  pane_->show_message(workspace_.images().empty() ? tr("Open images to see their activations.")
                                                  : tr("Running..."));
}

void ActivationsController::set_current_page(QWidget* page) {
  weights_shown_ = page == weights_;
  if (weights_shown_) render_weights();
}

// ---------------------------------------------------------------------------
// Capture

void ActivationsController::capture_current_image() {
  const int image = workspace_.current_image();
  if (!workspace_.model() || image < 0) return;
  const InputImage input = workspace_.images()[image].input;
  Q_EMIT statusChanged(
      tr("Capturing every layer of %1...").arg(QFileInfo(QString::fromStdString(input.name)).fileName()));
  // A capture queued for an image the user has left is skipped.
  request_capture(worker_, workspace_, QStringLiteral("capture"), this, image,
                  [this, image](Result<std::shared_ptr<const CaptureResult>> capture) {
                    show_capture(image, std::move(capture));
                  });
}

void ActivationsController::show_capture(int image, Result<std::shared_ptr<const CaptureResult>> capture) {
  if (image != workspace_.current_image()) return;  // the user has moved on
  if (!capture) {
    const QString error = QString::fromStdString(capture.error());
    shown_.reset();
    pane_->show_message(error);
    pane_->hide_side();
    Q_EMIT errorRaised(tr("The model failed"), error);
    return;
  }
  const size_t layers = capture.value()->activations.size();
  workspace_.set_capture(image, std::move(capture).value(), first_layer());  // show_layer draws it
  Q_EMIT statusChanged(tr("%1: %2 layers captured").arg(workspace_.current_layer()).arg(layers));
  Q_EMIT captureShown();
}

// The layer to show after a capture: the current one, else the preferred
// one, else the first with maps, else the first drawable one.
QString ActivationsController::first_layer() const {
  const QString current = workspace_.current_layer();
  if (!current.isEmpty() && workspace_.layer_info(current)) return current;
  if (workspace_.layer_info(preferred_layer_)) return preferred_layer_;
  const auto& layers = workspace_.model()->layers();
  for (const auto& layer : layers) {
    if (has_spatial_maps(layer)) return QString::fromStdString(layer.name);
  }
  for (const auto& layer : layers) {
    if (is_drawable(layer)) return QString::fromStdString(layer.name);
  }
  return current;
}

// ---------------------------------------------------------------------------
// Layers

bool ActivationsController::select_layer(const QString& name) {
  if (!workspace_.layer_info(name)) return false;
  workspace_.set_current_layer(name);
  return true;
}

void ActivationsController::step_layer(int step) {
  if (!workspace_.model()) return;
  const auto& layers = workspace_.model()->layers();
  int index = -1;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (QString::fromStdString(layers[i].name) == workspace_.current_layer()) index = static_cast<int>(i);
  }
  for (int i = index + step; i >= 0 && i < static_cast<int>(layers.size()); i += step) {
    if (is_drawable(layers[i])) {
      select_layer(QString::fromStdString(layers[i].name));
      return;
    }
  }
}

void ActivationsController::show_layer() {
  const QString& layer = workspace_.current_layer();
  if (!workspace_.layer_info(layer)) {
    shown_.reset();
    pane_->show_message(tr("This model has no layer to draw."));
    return;
  }
  tree_->set_current(layer);
  render_layer_views();
  if (weights_shown_) render_weights();  // drawn when its tab is shown
}

// The grid of the current layer (and, when asked, the other half of its
// before/after-activation pair beside it), from the cached capture: no model run.
void ActivationsController::render_layer_views() {
  const QString& name = workspace_.current_layer();
  const Model* model = workspace_.model();
  if (!model) return;  // nothing to draw before a model opens
  const LayerInfo* layer = workspace_.layer_info(name);
  const LayerActivation* values = workspace_.activation(name);
  pane_->set_pair_available(!activation_pair(*model, name.toStdString()).before.empty());
  if (!layer || !values) {
    shown_.reset();
    pane_->show_message(workspace_.capture() ? tr("%1 has no captured values.").arg(name) : tr("Running..."));
    pane_->hide_side();
    return;
  }
  ViewOptions options = workspace_.grid_settings().view_options();
  const std::vector<DatasetMark>* marks = workspace_.dataset_marks(name);
  // Marks before the grid: the grid is drawn with them.
  pane_->set_dataset_marks(marks ? *marks : std::vector<DatasetMark>{});
  if (marks && workspace_.grid_settings().sort_by_dataset) options.order = idle_first_order(*marks);
  const std::string image_name = workspace_.images().at(workspace_.capture_image()).input.name;
  auto view = render_layer(*model, *values, 0, image_name, options);
  if (!view) {
    shown_.reset();
    pane_->show_message(QString::fromStdString(view.error()));
  } else {
    shown_ = std::make_shared<const LayerView>(std::move(view).value());
    pane_->show_grid(shown_, class_names_of(*model, *values));
    if (pending_filter_ >= 0 && workspace_.capture_image() == workspace_.current_image()) {
      pane_->grid()->select_filter(pending_filter_);
      pending_filter_ = -1;
    }
  }
  refresh_enlarged();
  render_side_grid(options);
}

// A logit layer's class names (a vector of one value per class of the card), else none.
QStringList ActivationsController::class_names_of(const Model& model, const LayerActivation& values) const {
  QStringList names;
  const auto& labels = model.card().labels;
  if (values.values.dim() != 2 || labels.empty() || values.values.shape()[1] != static_cast<int64_t>(labels.size())) {
    return names;
  }
  for (const auto& label : labels) names << QString::fromStdString(label);
  return names;
}

// Beside the grid: the activation's input (signed) when the current layer is
// an activation, its output when the current layer feeds one.
void ActivationsController::render_side_grid(const ViewOptions& options) {
  const QString& name = workspace_.current_layer();
  const ActivationPair pair = activation_pair(*workspace_.model(), name.toStdString());
  if (!workspace_.grid_settings().before_activation || pair.before.empty()) {
    pane_->hide_side();
    return;
  }
  const bool is_before = pair.before == name.toStdString();
  const QString other = QString::fromStdString(is_before ? pair.after : pair.before);
  const LayerActivation* values = workspace_.activation(other);
  ViewOptions side = options;
  if (!is_before) {
    side.normalization = Normalization::kSigned;  // the negative half is the point
    side.colormap.reset();
  }
  const std::string image_name = workspace_.images().at(workspace_.capture_image()).input.name;
  auto view = values ? render_layer(*workspace_.model(), *values, 0, image_name, side)
                     : Result<LayerView>(Error{"no values"});
  if (!view) {
    pane_->hide_side();
    return;
  }
  pane_->show_side(
      is_before ? tr("after activation: %1").arg(other) : tr("before activation: %1 (signed)").arg(other),
      std::make_shared<const LayerView>(std::move(view).value()));
}

// A conv layer's weights as drawn in the Weights tab, with what the hover
// read-outs need: the weights and the grid's geometry.
struct WeightsShown {
  RgbImage picture;
  FloatArray weights;
  Grid grid;  // its image emptied once shown
  int expanded = -1;  // the filter whose input kernels are shown, or -1
};

namespace {

// What a tile is, said on the picture: a filter over 3 inputs in colour (its
// R, G, B kernels; no colormap, so no colour bar), one over a single input
// as its kernel, others as the mean of their input kernels, each through the
// colormap with the bar under it; expanded, one filter's input kernels on
// the filter's range. Any thread.
// The tile size at which `count` tiles of `kernel` pixels, the caption and
// the colour bar fit `room` at 1:1: the Fit view then never shrinks the
// caption's and the bar's text (a whole factor of the kernel, at least 2).
int weight_tile_for(int count, int kernel, int caption_lines, const QSize& room) {
  constexpr int kGap = 2;  // GridOptions::gap
  const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
  const int rows = (count + columns - 1) / columns;
  const int around = caption_lines * 18 + 6 + kColorbarHeight + 8;  // the caption's lines, the bar, a margin
  const int across = (room.width() - kGap) / columns - kGap;
  const int down = (room.height() - around - kGap) / rows - kGap;
  const int scale = std::clamp(std::min(across, down) / std::max(1, kernel), 2, 16);
  return scale * std::max(1, kernel);
}

Result<WeightsShown> draw_weights(const std::string& layer, FloatArray weights, int expanded, const QSize& room) {
  const auto& shape = weights.shape();
  const int64_t inputs = shape[1];
  const std::string kernel = std::to_string(shape[2]) + "x" + std::to_string(shape[3]);
  WeightGridOptions options;
  options.expand_filter = expanded;
  if (expanded >= 0) {
    options.grid.caption = {layer + " filter " + std::to_string(expanded) + ": its " + std::to_string(inputs) +
                                " input kernels (" + kernel + ")",
                            "double-click to see every filter again"};
  } else {
    options.grid.caption = {layer + " weights: " + std::to_string(shape[0]) + " filters over " +
                            std::to_string(inputs) + (inputs == 1 ? " input" : " inputs")};
    if (inputs == 3) {
      options.grid.caption.push_back("each tile: a filter's 3 " + kernel + " kernels as R, G, B,");
      options.grid.caption.push_back("all three on the filter's own min..max (no colormap)");
    } else if (inputs == 1) {
      options.grid.caption.push_back("each tile: a filter's " + kernel + " kernel");
    } else {
      options.grid.caption.push_back("each tile: the mean of a filter's " + std::to_string(inputs) + " " + kernel +
                                     " input kernels");
    }
  }
  if (room.isValid() && !room.isEmpty()) {
    const int count = static_cast<int>(expanded >= 0 ? shape[1] : shape[0]);
    options.grid.min_tile = weight_tile_for(count, static_cast<int>(std::max(shape[2], shape[3])),
                                            static_cast<int>(options.grid.caption.size()), room);
  }
  auto grid = compose_weight_grid(weights, options);
  if (!grid) return Error{grid.error()};
  WeightsShown shown;
  if (inputs == 3 && expanded < 0) {
    shown.picture = grid.value().image;
  } else {
    const ColorScale scale{options.grid.colormap, 0.0, 1.0,
                           expanded >= 0 ? "0..1 of the filter's min..max" : "0..1 of each tile's min..max"};
    shown.picture = with_colorbar(grid.value().image, scale);
  }
  shown.grid = std::move(grid).value();
  shown.grid.image = RgbImage{};
  shown.weights = std::move(weights);
  shown.expanded = expanded;
  return shown;
}

}  // namespace

void ActivationsController::render_weights() {
  const QString& name = workspace_.current_layer();
  if (name != weights_layer_) weights_expanded_ = -1;  // another layer: every filter first
  weights_layer_ = name;
  weights_drawn_.reset();
  const LayerInfo* layer = workspace_.layer_info(name);
  if (!layer || !layer->has_weights) {
    weights_->show_message(tr("%1 is not a Conv2d layer: no filter weights.").arg(name));
    return;
  }
  // The weights are read and drawn on the worker; the grid's geometry and
  // the weights stay for the hover read-outs.
  weights_->show_message(tr("Reading %1's weights...").arg(name));
  const int expanded = weights_expanded_;
  worker_.submit(
      QStringLiteral("weights"), this,
      [model = workspace_.shared_model(), layer_name = layer->name, expanded,
       room = weights_->picture_room()]() -> Result<WeightsShown> {
        auto weights = model->conv_weights(layer_name);
        if (!weights) return Error{weights.error()};
        return draw_weights(layer_name, std::move(weights).value(), expanded, room);
      },
      [this, name](Result<WeightsShown> drawn) {
        if (name != workspace_.current_layer()) return;  // the user browsed on
        if (!drawn) {
          weights_expanded_ = -1;  // the next drawing shows every filter
          weights_->show_message(QString::fromStdString(drawn.error()));
          return;
        }
        auto shown = std::make_shared<WeightsShown>(std::move(drawn).value());
        weights_->show_picture(QPixmap::fromImage(to_qimage(shown->picture)),
                               tr("%1: hover a tile for its weights; double-click a filter for its input kernels, "
                                  "again to go back")
                                   .arg(name));
        shown->picture = RgbImage{shown->picture.width, shown->picture.height, {}};  // only its size is needed now
        weights_drawn_ = std::move(shown);
      });
}

// The weight under the mouse, in the status line and the picture's tooltip.
void ActivationsController::hover_weights(double fx, double fy) {
  if (!weights_drawn_ || fx < 0) return;
  const WeightAt at = weight_at(weights_drawn_->weights, weights_drawn_->grid, weights_drawn_->expanded,
                                static_cast<int>(fx * weights_drawn_->picture.width),
                                static_cast<int>(fy * weights_drawn_->picture.height));
  const QString text = QString::fromStdString(at.text);
  weights_->set_hover_text(text);
  if (!text.isEmpty()) Q_EMIT statusChanged(workspace_.current_layer() + QStringLiteral(": ") + text);
}

// Double-click: a filter's input kernels one by one; again: every filter.
void ActivationsController::toggle_weights_filter(double fx, double fy) {
  if (!weights_drawn_) return;
  if (weights_expanded_ >= 0) {
    weights_expanded_ = -1;
  } else {
    const WeightAt at = weight_at(weights_drawn_->weights, weights_drawn_->grid, -1,
                                  static_cast<int>(fx * weights_drawn_->picture.width),
                                  static_cast<int>(fy * weights_drawn_->picture.height));
    if (at.filter < 0 || weights_drawn_->weights.shape()[1] == 1) return;  // one input: the tile is its kernel
    weights_expanded_ = at.filter;
  }
  render_weights();
}

void ActivationsController::enlarge_filter(int filter) {
  if (!draw_enlarged(filter)) return;
  Q_EMIT pageRequested(enlarged_);
}

// Draws `filter` of the shown layer over the image in the Enlarged filter
// tab, with its raw range; false when there is no such filter.
bool ActivationsController::draw_enlarged(int filter) {
  if (filter < 0 || !shown_ || workspace_.capture_image() < 0) return false;
  if (filter >= shown_->maps.count) return false;
  const LoadedImage& loaded = workspace_.images().at(workspace_.capture_image());
  const RgbImage& image = loaded.input.display;
  const RgbImage overlay =
      cam_overlay(image, shown_->maps.map(filter), shown_->maps.height, shown_->maps.width,
                  workspace_.grid_settings().colormap_or_default(), 0.4f);
  const FilterStats& stats = shown_->maps.stats[filter];
  const QString description = tr("%1 filter %2 on %3: raw min %4, max %5, mean %6%7")
                                  .arg(workspace_.current_layer())
                                  .arg(filter)
                                  .arg(QFileInfo(QString::fromStdString(loaded.input.name)).fileName())
                                  .arg(stats.min, 0, 'g', 4)
                                  .arg(stats.max, 0, 'g', 4)
                                  .arg(stats.mean, 0, 'g', 4)
                                  .arg(stats.near_dead ? tr(" (near-dead: drawn dark)") : QString());
  // Enlarged by whole pixels, captioned, with the filter's scale under it.
  const std::string file = QFileInfo(QString::fromStdString(loaded.input.name)).fileName().toStdString();
  const RgbImage figure =
      make_figure(overlay, {workspace_.current_layer().toStdString() + " filter " + std::to_string(filter) + " on " + file},
                  filter_scale(shown_->maps, filter, workspace_.grid_settings().view_options()), 448);
  enlarged_->show_picture(QPixmap::fromImage(to_qimage(figure)), description);
  enlarged_filter_ = filter;
  workspace_.set_enlarged_filter(filter);
  Q_EMIT statusChanged(description);
  return true;
}

// The Enlarged filter tab follows the browsed layer and image: the same
// filter number is drawn again, or the tab says it has none to show.
void ActivationsController::refresh_enlarged() {
  if (enlarged_filter_ < 0) return;
  if (draw_enlarged(enlarged_filter_)) return;
  enlarged_->show_message(tr("Filter %1 is not in %2. Double-click a filter (or press Enter) to enlarge it.")
                              .arg(enlarged_filter_)
                              .arg(workspace_.current_layer()));
  enlarged_filter_ = -1;
  workspace_.set_enlarged_filter(-1);
}

// ---------------------------------------------------------------------------
// Export

void ActivationsController::export_grid(const QString& path, bool report) {
  if (!shown_) {
    finish_export(path, Error{"no grid to export: open a model and an image"}, report);
    return;
  }
  write_on_worker(worker_, this, path, [view = shown_] { return encode_png(view->grid.image); },
                  [this, path, report](const Status& written) { finish_export(path, written, report); });
}

void ActivationsController::export_grid_dialog() {
  const QString name = QString::fromStdString(file_stem_for_layer(workspace_.current_layer().toStdString()));
  const QString path = ask_png_path(window_, tr("Export grid"), name + QStringLiteral(".png"), images_folder(workspace_));
  if (path.isEmpty()) return;
  export_grid(path, /*report=*/true);
}

}  // namespace actscope
