#include "ui/controllers/cam_controller.h"

#include <QAction>
#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>

#include "core/io/atomic_file.h"
#include "core/explain/cam_figure.h"
#include "core/explain/effective_field.h"
#include "core/model/receptive_fields.h"
#include "core/maps/cam_render.h"
#include "core/maps/grid.h"
#include "core/model/layer_query.h"
#include "ui/controllers/export_dialogs.h"
#include "ui/controllers/faithfulness_controller.h"
#include "ui/panes/cam_methods_view.h"
#include "ui/panes/cam_pane.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"
#include "ui/state/file_jobs.h"

namespace actscope {
namespace {

const QString kLane = QStringLiteral("cam");
const QString kAllLane = QStringLiteral("cam all methods");
const QString kFieldLane = QStringLiteral("effective field");

// "conv4 filter 5, row 9, column 4" (the filter only when one was hovered).
QString unit_name(const HoveredUnit& unit) {
  const QString filter =
      unit.filter >= 0 ? QCoreApplication::translate("CamController", " filter %1,").arg(unit.filter) : QString();
  return QCoreApplication::translate("CamController", "%1%2 row %3, column %4")
      .arg(unit.layer, filter)
      .arg(unit.y)
      .arg(unit.x);
}

}  // namespace

CamController::CamController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window), pane_(new CamPane) {
  export_ = new QAction(tr("Export Grad-CAM &Overlay..."), this);
  connect(export_, &QAction::triggered, this, &CamController::export_dialog);
  connect(pane_, &CamPane::requestChanged, this, [this](CamMethod method, int target_class) {
    method_ = method;
    target_class_ = target_class;
    request_cam();
  });
  connect(pane_, &CamPane::pinToggled, this, &CamController::set_pinned);
  connect(pane_, &CamPane::cancelRequested, this, [this] { worker_.cancel(kLane); });
  connect(pane_, &CamPane::allMethodsRequested, this, &CamController::show_all_methods);
  connect(&workspace_, &Workspace::modelChanged, this, &CamController::reset);
  connect(&workspace_, &Workspace::currentImageChanged, this, &CamController::show_image);
  // Once per capture; while browsing, only layers with maps change the CAM.
  connect(&workspace_, &Workspace::captureChanged, this, &CamController::request_cam);
  connect(&workspace_, &Workspace::layerChanged, this, &CamController::follow_layer);
  connect(&workspace_, &Workspace::unitHovered, this, &CamController::show_field);
  connect(&workspace_, &Workspace::layerChanged, pane_, &CamPane::clear_field);
  connect(pane_, &CamPane::effectiveFieldToggled, this, [this] {
    if (hovered_.valid()) show_field(hovered_);
  });
}

// The hovered unit's theoretical field as a box on the input picture, and
// with "Effective field" its input gradient, computed on the worker.
void CamController::show_field(const HoveredUnit& unit) {
  if (!unit.valid()) {  // the mouse left the tiles: no box of a unit no longer pointed at
    hovered_ = {};
    pane_->clear_field();
    return;
  }
  if (!workspace_.model()) return;
  hovered_ = unit;
  const ModelCard& card = workspace_.model()->card();
  const ReceptiveField* field = workspace_.receptive_field(unit.layer);
  if (!field) {
    pane_->show_field({}, tr("%1: its receptive field is being computed").arg(unit_name(unit)));
    return;
  }
  QRect box;
  QString note;
  if (field->kind == ReceptiveField::Kind::kSpatial) {
    const PixelSpan rows = unit_span(field->rows, unit.y, card.height);
    const PixelSpan cols = unit_span(field->cols, unit.x, card.width);
    if (rows.last >= rows.first && cols.last >= cols.first) {
      box = QRect(static_cast<int>(cols.first), static_cast<int>(rows.first),
                  static_cast<int>(cols.last - cols.first + 1), static_cast<int>(rows.last - rows.first + 1));
      note = tr("%1 sees input rows %2..%3, columns %4..%5 (%6)")
                 .arg(unit_name(unit))
                 .arg(rows.first)
                 .arg(rows.last)
                 .arg(cols.first)
                 .arg(cols.last)
                 .arg(QString::fromStdString(describe_field(*field)));
    } else {
      note = tr("%1 lies in padding: it sees no pixel").arg(unit_name(unit));
    }
  } else if (field->kind == ReceptiveField::Kind::kGlobal) {
    box = QRect(0, 0, card.width, card.height);
    note = tr("%1 sees the whole image").arg(unit_name(unit));
  } else {
    note = tr("%1: receptive field %2").arg(unit_name(unit), QString::fromStdString(describe_field(*field)));
  }
  pane_->show_field(box, note);
  const int image = workspace_.current_image();
  if (!pane_->effective_field_on() || image < 0 || box.isEmpty()) return;
  std::shared_ptr<const Model> model = workspace_.shared_model();
  const InputImage input = workspace_.images()[image].input;
  const UnitRequest request{unit.layer.toStdString(), unit.y, unit.x, unit.filter};
  worker_.submit(
      kFieldLane, this, [model, input, request] { return effective_field(*model, input, request); },
      [this, image, unit, box, note](Result<EffectiveField> field) {
        if (image != workspace_.current_image() || unit.layer != hovered_.layer || unit.y != hovered_.y ||
            unit.x != hovered_.x || unit.filter != hovered_.filter) {
          return;  // the mouse has moved on
        }
        if (!field) {
          pane_->show_field(box, note + "\n" + QString::fromStdString(field.error()));
          return;
        }
        const EffectiveField& value = field.value();
        const auto& shape = value.map.shape();
        std::vector<float> map(value.map.data(), value.map.data() + value.map.size());
        QString share = value.share_inside >= 0
                            ? tr("; %1% of the gradient inside the box").arg(100.0 * value.share_inside, 0, 'f', 1)
                            : tr("; zero gradient: the unit is inactive here");
        pane_->show_effective_field(map, static_cast<int>(shape[0]), static_cast<int>(shape[1]), value.raw_max,
                                    box, note + share);
        Q_EMIT fieldShown();
      });
}

void CamController::reset() {
  pinned_layer_.clear();
  cam_.reset();
  target_class_ = -1;
  pane_->set_card(workspace_.model()->card());
}

// A new image shows the CAM of its own predicted class unless the user
// pinned a class: a class chosen for one image may be absent from the next.
void CamController::show_image(int index) {
  const LoadedImage& image = workspace_.images()[index];
  pane_->set_image(image.input.display, image.top);
  pane_->set_context(image.input.context, image.input.crop_x, image.input.crop_y);
  pane_->show_running(false);  // its CAM follows its capture: the last image's heatmap dims meanwhile
  if (!pane_->class_pinned()) {
    target_class_ = -1;
    pane_->follow_predicted_class();
  }
  if (faithfulness_) faithfulness_->follow(index, options());  // the last image's numbers go at once
}

void CamController::follow_layer() {
  const LayerInfo* layer = workspace_.layer_info(workspace_.current_layer());
  if (pinned_layer_.isEmpty() && layer && has_spatial_maps(*layer)) request_cam();
}

void CamController::set_pinned(bool pinned) {
  pinned_layer_ = pinned ? cam_layer() : QString();
  if (!pinned) request_cam();
}

// The pinned layer, else the browsed one when it has maps, else the last CAM's.
QString CamController::cam_layer() const {
  if (!pinned_layer_.isEmpty()) return pinned_layer_;
  const LayerInfo* layer = workspace_.layer_info(workspace_.current_layer());
  if (layer && has_spatial_maps(*layer)) return workspace_.current_layer();
  return cam_ ? QString::fromStdString(cam_->layers.front().layer) : QString();
}

CamOptions CamController::options() const {
  CamOptions options;
  options.method = method_;
  const QString layer = cam_layer();
  if (!layer.isEmpty()) options.layers = {layer.toStdString()};
  if (target_class_ >= 0) options.target_class = target_class_;
  return options;
}

void CamController::request_cam() {
  const int image = workspace_.current_image();
  if (!workspace_.model() || image < 0) return;
  CamOptions options = this->options();
  if (faithfulness_) faithfulness_->follow(image, options);
  // A running Score-CAM for an old request stops.
  options.progress = [pane = QPointer<CamPane>(pane_), cancel = worker_.token(kLane)](size_t done,
                                                                                      size_t total) {
    EngineWorker::post(pane, [pane, done, total] { pane->show_progress(done, total); });
    return !*cancel;
  };
  pane_->show_running(options.method == CamMethod::kScoreCam);
  worker_.submit(
      kLane, this,
      [model = workspace_.shared_model(), input = workspace_.images()[image].input, options] {
        return compute_cam(*model, {input}, options);
      },
      [this, image](Result<CamResult> cam) { show_cam(image, std::move(cam)); });
}

void CamController::show_cam(int image, Result<CamResult> cam) {
  if (image != workspace_.current_image()) return;
  if (cam) {
    cam_ = std::make_shared<const CamResult>(std::move(cam).value());
    cam_display_ = workspace_.images()[image].input.display;
    cam_name_ = workspace_.images()[image].input.name;
    pane_->show_result(*cam_, cam_display_);
  } else {
    pane_->show_error(QString::fromStdString(cam.error()));
  }
  Q_EMIT camShown();
}

void CamController::show_all_methods() {
  const int image = workspace_.current_image();
  if (!workspace_.model() || image < 0) return;
  if (!methods_view_) make_methods_view();
  CamOptions options = this->options();
  const QString layer = cam_layer();
  methods_view_->show_running(tr("Every method on %1 for %2, %3")
                                  .arg(layer.isEmpty() ? tr("the default layer") : layer,
                                       target_class_ < 0 ? tr("the predicted class")
                                                         : QString::fromStdString(workspace_.model()->card().label(target_class_)),
                                       QString::fromStdString(workspace_.images()[image].input.name)));
  methods_view_->show();
  auto progress = [view = QPointer<CamMethodsView>(methods_view_), cancel = worker_.token(kAllLane)](size_t done,
                                                                                                    size_t total) {
    EngineWorker::post(view, [view, done, total] { view->show_progress(done, total); });
    return !*cancel;
  };
  worker_.submit(
      kAllLane, this,
      [model = workspace_.shared_model(), input = workspace_.images()[image].input, options,
       weight = pane_->image_weight(), progress] { return all_methods_sheet(*model, input, options, weight, progress); },
      [this](Result<MethodSheet> sheet) {
        if (!sheet) {
          const QString error = QString::fromStdString(sheet.error());
          methods_view_->show_message(error == QStringLiteral("cancelled") ? tr("Cancelled.") : error);
          Q_EMIT allMethodsShown(error);
          return;
        }
        QStringList notes;
        for (const auto& note : sheet.value().notes) notes << QString::fromStdString(note);
        methods_view_->show_sheet(sheet.value(), notes.join(QLatin1Char('\n')));
        Q_EMIT allMethodsShown(QString());
      });
  // Queued behind the maps: the worker runs one job at a time.
  faithfulness_->measure_image(image, options);
}

// The view and its faithfulness part; the view's Cancel stops both.
void CamController::make_methods_view() {
  methods_view_ = new CamMethodsView(window_);
  faithfulness_ = new FaithfulnessController(workspace_, worker_, methods_view_->faithfulness(), methods_view_);
  connect(faithfulness_, &Controller::statusChanged, this, &Controller::statusChanged);
  connect(faithfulness_, &Controller::errorRaised, this, &Controller::errorRaised);
  connect(methods_view_, &CamMethodsView::cancelRequested, this, [this] {
    worker_.cancel(kAllLane);
    faithfulness_->cancel();
  });
}

void CamController::export_cam(const QString& path, bool report) {
  if (!cam_) {
    finish_export(path, Error{"no Grad-CAM to export yet"}, report);
    return;
  }
  const ModelCard& card = workspace_.model()->card();
  const int target = cam_->classes.front();
  const double score = cam_target_score(*cam_, 0);
  std::string second = to_string(cam_->method) + " on " + cam_->layers.front().layer + ": " + card.label(target);
  if (score >= 0) second += QStringLiteral(", score %1%").arg(score * 100.0, 0, 'f', 1).toStdString();
  const std::vector<std::string> caption = {card.name + "  |  " + QFileInfo(QString::fromStdString(cam_name_)).fileName().toStdString(),
                                            second};
  const RgbImage figure = cam_figure(*cam_, 0, cam_display_, caption, pane_->image_weight());
  write_on_worker(worker_, this, path, [figure] { return encode_png(figure); },
                  [this, path, report](const Status& written) { finish_export(path, written, report); });
}

void CamController::export_dialog() {
  const QString path = ask_png_path(window_, tr("Export Grad-CAM overlay"), QStringLiteral("gradcam.png"),
                                    images_folder(workspace_));
  if (path.isEmpty()) return;
  export_cam(path, /*report=*/true);
}

}  // namespace actscope
