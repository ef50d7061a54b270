#include "ui/controllers/compare_controller.h"

#include <QAction>
#include <QFileInfo>

#include "core/data/loaded_images.h"
#include "core/explain/explanation.h"
#include "core/io/atomic_file.h"
#include "core/maps/grid.h"
#include "ui/controllers/export_dialogs.h"
#include "ui/panes/compare_pane.h"
#include "ui/state/capture_request.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"
#include "ui/state/file_jobs.h"

namespace actscope {

using Explained = std::vector<std::pair<int, ImageExplanation>>;

CompareController::CompareController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window), pane_(new ComparePane) {
  export_ = new QAction(tr("Export &Comparison Sheet..."), this);
  connect(export_, &QAction::triggered, this, &CompareController::export_dialog);
  connect(pane_, &ComparePane::imageBChosen, this, &CompareController::set_image_b);
  connect(pane_, &ComparePane::proposeRequested, this, &CompareController::propose);
  connect(pane_, &ComparePane::modeChosen, this,
          [this](int mode) { set_mode(static_cast<CompareMode>(mode)); });
  connect(pane_, &ComparePane::partnerLayerChosen, this, &CompareController::set_partner_layer);
  connect(&workspace_, &Workspace::secondModelChanged, this, &CompareController::second_model_changed);
  connect(&workspace_, &Workspace::modelChanged, this, &CompareController::reset);
  connect(&workspace_, &Workspace::imageAdded, this, &CompareController::refresh_choices);
  connect(&workspace_, &Workspace::compareRequested, this, &CompareController::show_request);
  // Drawn only while its tab is shown.
  connect(&workspace_, &Workspace::captureChanged, this, [this] {
    if (shown_tab_) render();
  });
  connect(&workspace_, &Workspace::layerChanged, this, [this] {
    if (shown_tab_) render();
  });
}

void CompareController::reset() {
  image_b_ = -1;
  capture_b_.reset();
  model_b_capture_.reset();  // of an image the new model's card made
  model_b_ = nullptr;
  model_b_image_ = model_b_pending_ = -1;
  explanations_.clear();
  explaining_.clear();
  clear();
  refresh_choices();
}

// The images B can be chosen from, keeping the chosen one.
void CompareController::refresh_choices() {
  QStringList names;
  for (const auto& image : workspace_.images())
    names << QFileInfo(QString::fromStdString(image.input.name)).fileName();
  pane_->set_images(names);
  pane_->set_image_b(image_b_);
}

void CompareController::set_current_page(QWidget* page) {
  shown_tab_ = page == pane_;
  if (!shown_tab_ || quiet_) return;
  if (mode_ == CompareMode::kModels) {
    render_models();
    return;
  }
  const int current = workspace_.current_image();
  if (image_b_ < 0 && current >= 0 && workspace_.images()[current].misclassified()) {
    propose();
  } else {
    render();
  }
}

// A pair chosen elsewhere (a dataset image and its partner): B, or why there is none.
void CompareController::show_request(int b, const QString& note) {
  set_image_b(b);
  if (b >= 0) return;
  quiet_ = true;  // no proposal among the open images over this note
  Q_EMIT pageRequested(pane_);
  quiet_ = false;
  clear(tr("No image to compare with: %1").arg(note));
}

void CompareController::clear(const QString& message) {
  shown_ = {};
  pane_->clear(message);
}

void CompareController::set_image_b(int index) {
  ++choice_;
  capture_b_.reset();
  if (index < 0 || index >= static_cast<int>(workspace_.images().size())) {
    image_b_ = -1;
    pane_->set_image_b(-1);
    clear();
    return;
  }
  if (mode_ == CompareMode::kModels) {  // an image B chosen (or proposed elsewhere) is of the first mode
    mode_ = CompareMode::kImages;
    pane_->set_mode(mode_);
  }
  pane_->set_image_b(index);
  image_b_ = index;
  Q_EMIT pageRequested(pane_);
  request_capture_b();
}

void CompareController::request_capture_b() {
  if (!workspace_.model() || image_b_ < 0) return;
  clear(tr("Capturing image B..."));
  const int image = image_b_;
  request_capture(worker_, workspace_, QStringLiteral("compare"), this, image,
                  [this, image](Result<std::shared_ptr<const CaptureResult>> capture) {
                    if (image != image_b_) return;
                    if (!capture) {
                      clear(QString::fromStdString(capture.error()));
                      return;
                    }
                    capture_b_ = std::move(capture).value();
                    render();
                  });
}

// The browsed layer for A (the captured current image) and B, from both cached captures.
void CompareController::render() {
  if (mode_ == CompareMode::kModels) {
    render_models();
    return;
  }
  if (!workspace_.capture() || !capture_b_) return;
  const QString& layer = workspace_.current_layer();
  const LayerActivation* a = workspace_.activation(layer);
  const LayerActivation* b = find_activation(capture_b_.get(), layer);
  if (!a || !b) {
    clear(tr("%1 has no captured values to compare.").arg(layer));
    return;
  }
  auto comparison = compare_layer(a->values, b->values);
  if (!comparison) {
    clear(QString::fromStdString(comparison.error()));
    return;
  }
  const int image_a = workspace_.capture_image();
  shown_ = {image_a, image_b_, layer.toStdString(),
            std::make_shared<const LayerComparison>(std::move(comparison).value())};
  pane_->show_comparison(shown_.layer, caption(image_a, QStringLiteral("A")),
                         caption(image_b_, QStringLiteral("B")), a->values, b->values, shown_.comparison);
  request_explanations();
  Q_EMIT compareShown();
}

QString CompareController::caption(int image, const QString& letter) const {
  const LoadedImage& loaded = workspace_.images()[image];
  QString text =
      QStringLiteral("%1: %2").arg(letter, QFileInfo(QString::fromStdString(loaded.input.name)).fileName());
  if (!loaded.top.empty()) {
    text += QStringLiteral("  %1 %2%")
                .arg(QString::fromStdString(workspace_.model()->card().label(loaded.top[0].class_index)))
                .arg(loaded.top[0].probability * 100.0, 0, 'f', 1);
  }
  return text;
}

// Each compared image's prediction and Grad-CAMs for the predicted and the
// true class: computed once per image on the worker, then kept.
void CompareController::request_explanations() {
  std::vector<std::pair<int, LoadedImage>> missing;
  for (int image : {shown_.a, shown_.b}) {
    if (image >= 0 && !explanations_.contains(image) && (missing.empty() || missing.front().first != image)) {
      missing.emplace_back(image, workspace_.images()[image]);
    }
  }
  show_explanations();
  std::vector<int> wanted;
  for (const auto& entry : missing) wanted.push_back(entry.first);
  const QString lane = QStringLiteral("explain");
  if (missing.empty() || (wanted == explaining_ && worker_.busy(lane))) return;
  explaining_ = wanted;
  worker_.submit(
      lane, this,
      [model = workspace_.shared_model(), missing]() -> Result<Explained> {
        Explained explained;
        for (const auto& [index, image] : missing) {
          explained.emplace_back(index, explain_image_or_reason(*model, image.input, image.true_class));
        }
        return explained;
      },
      [this](Result<Explained> explained) {
        explaining_.clear();
        if (!explained) {
          Q_EMIT statusChanged(
              tr("No prediction for the comparison: %1").arg(QString::fromStdString(explained.error())));
          return;
        }
        store_explanations(std::move(explained).value());
      });
}

void CompareController::store_explanations(Explained explained) {
  for (auto& [image, explanation] : explained) {
    explanations_.insert(image, std::make_shared<const ImageExplanation>(std::move(explanation)));
  }
  if (show_explanations()) Q_EMIT explanationsShown();
}

// Shows the explanations of the images the pane shows; true when both are there.
bool CompareController::show_explanations() {
  const auto a = explanations_.value(shown_.a);
  const auto b = explanations_.value(shown_.b);
  if (!workspace_.model() || shown_.a < 0) return false;
  pane_->show_explanations(workspace_.model()->card(), a.get(), b.get());
  return a && b;
}

void CompareController::propose() {
  const int image = workspace_.current_image();
  if (!workspace_.model() || image < 0) return;
  if (workspace_.images()[image].true_class < 0) {
    clear(
        tr("A's true class is unknown, so no image B can be proposed: a samples.json next "
           "to the images gives it (or open a dataset and double-click an image there)."));
    return;
  }
  clear(tr("Finding the nearest correctly classified image of the same class..."));
  proposal_choice_ = ++choice_;
  // The open images as a dataset: their predictions are known already.
  auto open_images = std::make_shared<const PredictedDataset>(
      as_predicted_dataset(workspace_.images(), tr("the open images").toStdString()));
  worker_.submit(
      QStringLiteral("partner"), this,
      [model = workspace_.shared_model(), open_images, image] {
        return propose_partner(*model, open_images->dataset, open_images->predictions,
                               static_cast<size_t>(image));
      },
      [this, image](Result<size_t> partner) { show_proposal(image, std::move(partner)); });
}

void CompareController::show_proposal(int image, Result<size_t> partner) {
  // Dropped when the user has since chosen B or moved to another image.
  if (image != workspace_.current_image() || proposal_choice_ != choice_) {
    Q_EMIT proposalSettled(false);
    return;
  }
  if (partner) {
    set_image_b(static_cast<int>(partner.value()));
  } else {
    clear(tr("No image B to propose: %1").arg(QString::fromStdString(partner.error())));
  }
  Q_EMIT proposalSettled(true);
}

void CompareController::export_comparison(const QString& path, bool report) {
  const auto refuse = [&](const std::string& why) { finish_export(path, Error{why}, report); };
  if (mode_ == CompareMode::kModels) {
    refuse("the comparison sheet is of two images in one model: choose \"Two images, one model\" in the Compare tab");
    return;
  }
  if (!workspace_.capture() || !capture_b_ || image_b_ < 0) {
    refuse("nothing to export: compare two images first (the Compare tab)");
    return;
  }
  // The Compare tab is drawn only while it shows: bring it up to date with
  // the current images and layer first.
  if (shown_.a != workspace_.capture_image() || shown_.b != image_b_ ||
      shown_.layer != workspace_.current_layer().toStdString()) {
    render();
  }
  if (shown_.a < 0) {
    refuse("nothing to export: " + workspace_.current_layer().toStdString() + " cannot be compared");
    return;
  }
  const auto a = explanations_.value(shown_.a);
  const auto b = explanations_.value(shown_.b);
  if (!a || !b) {
    refuse("the two images' predictions and Grad-CAMs are still being computed; try again");
    return;
  }
  const ComparisonFigures figures =
      compose_comparison(workspace_.model()->card(), shown_.layer, *a, *b, *shown_.comparison);
  write_on_worker(worker_, this, path, [sheet = figures.sheet] { return encode_png(sheet); },
                  [this, path, report](const Status& written) { finish_export(path, written, report); });
}

void CompareController::export_dialog() {
  const QString path = ask_png_path(window_, tr("Export comparison sheet"), QStringLiteral("comparison.png"),
                                    images_folder(workspace_));
  if (path.isEmpty()) return;
  export_comparison(path, /*report=*/true);
}

}  // namespace actscope
