// CompareController's second mode: one image, two models. The current image
// through the open model (A: its capture in the workspace) and through the
// second model (B: captured here on the worker), the browsed layer of A
// against B's layer of the same name or the one the user picked.
#include "ui/controllers/compare_controller.h"

#include <QFileInfo>

#include "core/maps/layer_view.h"
#include "ui/panes/compare_pane.h"
#include "ui/state/capture_request.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

QString file_name(const QString& path) { return QFileInfo(path).fileName(); }

// A layer's shape for one image ("128x7x7"), without the batch.
QString per_image_shape(const std::vector<int64_t>& shape) {
  if (shape.size() < 2) return QString::fromStdString(shape_string(shape));
  return QString::fromStdString(shape_string(std::vector<int64_t>(shape.begin() + 1, shape.end())));
}

}  // namespace

void CompareController::set_mode(CompareMode mode) {
  if (mode == CompareMode::kModels && !workspace_.second_model()) mode = CompareMode::kImages;
  pane_->set_mode(mode);
  if (mode == mode_) return;
  mode_ = mode;
  clear();
  if (shown_tab_) render();
}

void CompareController::set_partner_layer(const QString& name) {
  chosen_partner_ = name;
  if (mode_ == CompareMode::kModels && shown_tab_) render_models();
}

// B opened, closed or replaced: its capture and the picked partner go.
void CompareController::second_model_changed() {
  model_b_capture_.reset();
  model_b_ = nullptr;
  model_b_image_ = model_b_pending_ = -1;
  chosen_partner_.clear();
  pane_->set_second_model(workspace_.second_model() ? file_name(workspace_.second_model_path()) : QString());
  if (!workspace_.second_model() && mode_ == CompareMode::kModels) {
    set_mode(CompareMode::kImages);
  } else if (mode_ == CompareMode::kModels && shown_tab_) {
    render_models();
  }
}

QString CompareController::model_caption(const QString& letter, const QString& layer,
                                          const QString& path) const {
  return tr("%1: %2 of %3").arg(letter, layer, file_name(path));
}

// B's layer compared with A's `layer`: the one of the same name, else the
// one the user picked, else the first of A's shape, else B's first. Fills
// the pane's choice of B's layers.
QString CompareController::partner_layer(const Model& b, const QString& layer) {
  QStringList names, shapes;
  for (const LayerInfo& info : b.layers()) {
    if (!info.capturable) continue;
    names << QString::fromStdString(info.name);
    shapes << (info.shape.empty() ? QString() : per_image_shape(info.shape));
  }
  const bool same_name = names.contains(layer);
  QString partner = same_name ? layer : names.contains(chosen_partner_) ? chosen_partner_ : QString();
  const LayerInfo* a_info = workspace_.layer_info(layer);
  for (int i = 0; partner.isEmpty() && a_info && i < names.size(); ++i) {
    if (!shapes[i].isEmpty() && shapes[i] == per_image_shape(a_info->shape)) partner = names[i];
  }
  if (partner.isEmpty() && !names.isEmpty()) partner = names.front();
  pane_->set_partner_layers(
      names, shapes, partner, !same_name,
      same_name ? tr("B has a layer named %1: it is compared with A's").arg(layer)
                : tr("B has no layer named %1: pick the layer of B to compare with it").arg(layer));
  return partner;
}

// The current image through B, on the worker; kept while B and the image stay.
void CompareController::request_capture_model_b(int image) {
  auto b = workspace_.shared_second_model();
  clear(tr("Capturing the current image through model B..."));
  if (model_b_ == b.get() && model_b_pending_ == image) return;  // on its way
  model_b_ = b.get();
  model_b_pending_ = image;
  model_b_capture_.reset();
  model_b_image_ = -1;
  request_capture_with(worker_, workspace_, b, QStringLiteral("compare model b"), this, image,
                       [this, b, image](Result<std::shared_ptr<const CaptureResult>> capture) {
                         // Dropped when B, the model or the image changed meanwhile.
                         if (b != workspace_.shared_second_model() || image != model_b_pending_) return;
                         model_b_pending_ = -1;
                         if (!capture) {
                           clear(QString::fromStdString(capture.error()));
                           return;
                         }
                         model_b_capture_ = std::move(capture).value();
                         model_b_image_ = image;
                         if (mode_ == CompareMode::kModels && shown_tab_) render_models();
                       });
}

// The browsed layer of the current image through A and its partner through B.
void CompareController::render_models() {
  const Model* b = workspace_.second_model();
  const int image = workspace_.capture_image();
  if (!b) {
    clear(tr("Open a second model (File > Open Second Model...) to see the current image through both."));
    return;
  }
  if (!workspace_.capture() || image < 0) {
    clear(tr("Choose an image: it is shown through model A and model B."));
    return;
  }
  const QString layer = workspace_.current_layer();
  const QString partner = partner_layer(*b, layer);
  if (model_b_ != b || model_b_image_ != image) {
    request_capture_model_b(image);
    return;
  }
  const LayerActivation* a_values = workspace_.activation(layer);
  const LayerActivation* b_values = find_activation(model_b_capture_.get(), partner);
  if (!a_values || !b_values) {
    clear(tr("%1 has no captured values to compare.").arg(a_values ? partner : layer));
    return;
  }
  const QString a_caption = model_caption(QStringLiteral("A"), layer, workspace_.model_path());
  const QString b_caption = model_caption(QStringLiteral("B"), partner, workspace_.second_model_path());
  auto comparison = compare_layer(a_values->values, b_values->values);
  if (!comparison) {
    render_side_by_side(*a_values, a_caption, *b_values, b_caption);
    return;
  }
  shown_ = {image, -1, layer.toStdString(),
            std::make_shared<const LayerComparison>(std::move(comparison).value())};
  pane_->show_comparison(shown_.layer, a_caption, b_caption, a_values->values, b_values->values,
                         shown_.comparison);
  drawn_[0] = drawn_[1] = nullptr;  // the grids point into the comparison now
  const auto& ranking = shown_.comparison->ranking;
  pane_->set_summary(
      tr("%1 through model A (%2 of %3) and model B (%4 of %5), each filter on one range over both; "
         "largest difference of a filter's mean: %6")
          .arg(file_name(QString::fromStdString(workspace_.images()[static_cast<size_t>(image)].input.name)),
               layer, file_name(workspace_.model_path()), partner, file_name(workspace_.second_model_path()))
          .arg(ranking.empty() ? 0.0 : ranking.front().difference, 0, 'g', 3));
  Q_EMIT compareShown();
}

// Layers of different shapes: each drawn alone on its own range.
void CompareController::render_side_by_side(const LayerActivation& a, const QString& a_caption,
                                            const LayerActivation& b, const QString& b_caption) {
  const std::string name = workspace_.images()[static_cast<size_t>(workspace_.capture_image())].input.name;
  const ViewOptions options = workspace_.grid_settings().view_options();
  auto view_a = render_layer(*workspace_.model(), a, 0, name, options);
  auto view_b = render_layer(*workspace_.second_model(), b, 0, name, options);
  if (!view_a || !view_b) {
    clear(tr("%1 cannot be drawn: %2")
              .arg(view_a ? b_caption : a_caption, QString::fromStdString(view_a ? view_b.error() : view_a.error())));
    return;
  }
  shown_ = {};
  drawn_[0] = workspace_.shared_capture();
  drawn_[1] = model_b_capture_;
  const QString why =
      tr("%1 is %2 and %3 is %4 per image: only layers of one shape [C, H, W] are compared filter by "
         "filter on a shared range, so each is drawn on its own range, with no A - B and no ranking.")
          .arg(a_caption, per_image_shape(a.values.shape()), b_caption, per_image_shape(b.values.shape()));
  auto shown_a = std::make_shared<LayerView>(std::move(view_a).value());
  auto shown_b = std::make_shared<LayerView>(std::move(view_b).value());
  if (options.normalization == Normalization::kFilter) {
    // Short enough for a third of the window (the long one is the Browse view's).
    shown_a->scale.title = shown_b->scale.title = tr("0..1 of each filter's own range").toStdString();
  }
  pane_->show_side_by_side(a_caption, std::move(shown_a), b_caption, std::move(shown_b), why);
  Q_EMIT compareShown();
}

}  // namespace actscope
