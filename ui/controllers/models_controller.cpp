#include "ui/controllers/models_controller.h"

#include <cmath>

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>

#include "core/maps/layer_view.h"
#include "ui/controllers/models_job.h"
#include "ui/controllers/run_dataset.h"
#include "ui/panes/models_pane.h"
#include "ui/state/capture_request.h"
#include "ui/state/workspace.h"
#include "ui/widgets/cka_heatmap_view.h"

namespace actscope {
namespace {

const QString kLane = QStringLiteral("cka");
constexpr int kBatch = 64;

QString file_name(const QString& path) { return QFileInfo(path).fileName(); }
QString file_name(const std::string& path) { return file_name(QString::fromStdString(path)); }

QStringList to_qt(const std::vector<std::string>& names) {
  QStringList list;
  for (const std::string& name : names) list << QString::fromStdString(name);
  return list;
}

}  // namespace

ModelsController::ModelsController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window), pane_(new ModelsPane) {
  pane_->setObjectName(QStringLiteral("modelsPane"));
  open_second_ = new QAction(tr("Open &Second Model..."), this);
  open_second_->setObjectName(QStringLiteral("openSecondModelAction"));
  open_second_->setToolTip(
      tr("A second model (B) whose layers the Models view compares with the open model's"));
  connect(open_second_, &QAction::triggered, this, &ModelsController::open_second_dialog);
  close_second_ = new QAction(tr("Close Second Model"), this);
  close_second_->setEnabled(false);
  connect(close_second_, &QAction::triggered, this, &ModelsController::close_second_model);
  connect(pane_, &ModelsPane::openSecondRequested, this, &ModelsController::open_second_dialog);
  connect(pane_, &ModelsPane::closeSecondRequested, this, &ModelsController::close_second_model);
  connect(pane_, &ModelsPane::runRequested, this, &ModelsController::run);
  connect(pane_, &ModelsPane::cancelRequested, this, [this] { cancel_->store(true); });
  connect(pane_, &ModelsPane::chooseDatasetRequested, this, &ModelsController::choose_dataset_dialog);
  connect(pane_, &ModelsPane::cellChosen, this, &ModelsController::choose_cell);
  connect(&workspace_, &Workspace::modelChanged, this, &ModelsController::models_changed);
  connect(&workspace_, &Workspace::secondModelChanged, this, &ModelsController::models_changed);
  connect(&workspace_, &Workspace::datasetChanged, this, [this] {
    chosen_dataset_.clear();  // a dataset opened in the Dataset view is this view's too
    models_changed();
  });
  connect(&workspace_, &Workspace::currentImageChanged, this, [this] {
    if (page_shown_) refresh_pair();
  });
  connect(&workspace_, &Workspace::gridSettingsChanged, this, [this] {
    if (page_shown_) render_pair();
  });
  show_labels();
}

ModelsController::~ModelsController() { cancel_->store(true); }

QString ModelsController::dataset() const {
  return chosen_dataset_.isEmpty() ? workspace_.dataset_path() : chosen_dataset_;
}

ModelsController::Key ModelsController::key() const {
  const Model* a = workspace_.model();
  const Model* b = workspace_.second_model();
  return {a, b ? b : a, dataset()};
}

// The open models, images or dataset changed: the heatmap stays only when
// it is of the same models and dataset (new images keep it); the picked
// cell's grids go (image indices changed).
void ModelsController::models_changed() {
  show_labels();
  picked_a_.clear();
  capture_a_.reset();
  capture_b_.reset();
  capture_a_image_ = capture_b_image_ = -1;
  pane_->clear_pair(tr("Click a cell of the heatmap: its two layers are drawn here for the current image."));
  if (running_.a && !(running_ == key())) {
    cancel_->store(true);  // a run of models or a dataset no longer open
    cancel_ = std::make_shared<std::atomic<bool>>(false);  // its end, when it comes, is not this key's
    running_ = {};
  }
  if (!(shown_key_ == key())) {
    shown_.reset();
    shown_key_ = {};
    if (!running_.a) {
      pane_->show_message(workspace_.model()
                              ? tr("Run compares the layers of the open models over the dataset.")
                              : tr("Open a model to compare its layers."));
    }
  }
  if (page_shown_) run_if_needed();
}

void ModelsController::show_labels() {
  const QString b = workspace_.second_model_path();
  close_second_->setEnabled(!b.isEmpty());
  pane_->set_second_model(file_name(b),
                          b.isEmpty() ? QString() : tr("%1\nfed by %2").arg(b, second_feeding_));
  const QString path = dataset();
  if (!path.isEmpty()) {
    pane_->set_dataset(file_name(path), path);
  } else if (workspace_.model() && takes_fashion_mnist(workspace_.model()->card())) {
    pane_->set_dataset(tr("none open: Fashion-MNIST's test set"), QString::fromLatin1(kFashionMnistFolder));
  } else {
    pane_->set_dataset(tr("none open: choose one"), QString());
  }
}

void ModelsController::set_current_page(QWidget* page) {
  page_shown_ = page == pane_;
  if (!page_shown_) return;
  run_if_needed();
  if (!picked_a_.empty()) refresh_pair();
}

void ModelsController::run_if_needed() {
  if (!workspace_.model() || key() == shown_key_ || key() == running_) return;
  run();
}

void ModelsController::run() {
  if (!workspace_.model()) {
    pane_->show_message(tr("Open a model to compare its layers."));
    Q_EMIT ckaShown(tr("no model"));
    return;
  }
  cancel_->store(true);            // a run still going stops; this one gets a fresh token,
  cancel_ = worker_.token(kLane);  // also cancelled when another model opens or the window closes
  running_ = key();
  auto job = std::make_shared<CkaJob>();
  job->a = workspace_.shared_model();
  job->b = workspace_.second_model() ? workspace_.shared_second_model() : job->a;
  job->dataset_path = dataset().toStdString();
  job->options.limit = pane_->limit();
  job->options.batch_size = kBatch;
  job->cancel = cancel_;
  job->progress = [self = QPointer<ModelsController>(this), cancel = cancel_](size_t done, size_t total) {
    EngineWorker::post(self, [self, cancel, done, total] {
      if (cancel == self->cancel_ && !*cancel) self->pane_->show_progress(done, total);
    });
  };
  pane_->show_running(
      tr("Comparing the layers of %1 with %2...")
          .arg(file_name(workspace_.model_path()),
               workspace_.second_model() ? file_name(workspace_.second_model_path()) : tr("themselves")));
  worker_.submit_slices(
      kLane, this, [job] { return cka_slice(*job); },
      [this, cancel = cancel_](Result<CkaRun> run) {
        if (cancel != cancel_) return;  // a newer run replaced this one
        running_ = {};
        finish(std::move(run));
      });
}

void ModelsController::finish(Result<CkaRun> run) {
  if (run && run.value().batches == 0) run = Error{"no batch had 4 readable images: no CKA to show"};
  if (!run) {
    const QString error = QString::fromStdString(run.error());
    const bool cancelled = error == QStringLiteral("cancelled");
    shown_key_ = key();  // not run again by itself: Run does, or other models or another dataset
    pane_->show_message(cancelled ? tr("Cancelled: Run computes it again.") : tr("No CKA: %1").arg(error));
    Q_EMIT statusChanged(cancelled ? tr("CKA cancelled") : tr("No CKA: %1").arg(error));
    Q_EMIT ckaShown(error);
    return;
  }
  shown_ = std::make_shared<const CkaRun>(std::move(run).value());
  shown_key_ = key();
  const CkaRun& shown = *shown_;
  pane_->show_heatmap(to_qt(shown.layers_a), to_qt(shown.layers_b), shown.cka(), summary(shown),
                      tr("rows: A = %1").arg(file_name(shown.model_a)),
                      tr("columns: B = %1").arg(file_name(shown.model_b)));
  Q_EMIT statusChanged(tr("CKA of %1 x %2 layers over %3 images")
                           .arg(shown.layers_a.size())
                           .arg(shown.layers_b.size())
                           .arg(shown.images));
  Q_EMIT ckaShown(QString());
}

// Where the values come from, in words.
QString ModelsController::summary(const CkaRun& run) const {
  QString text =
      tr("CKA of every layer of A (rows) with every layer of B (columns) over %1 images of %2 in %3")
          .arg(run.images)
          .arg(file_name(run.dataset_path))
          .arg(run.batches == 1 ? tr("one batch of %1").arg(run.batch_size)
                                : tr("%1 batches of %2").arg(run.batches).arg(run.batch_size));
  if (run.dropped > 0) text += tr("; the last %1 images, a partial batch, were left out").arg(run.dropped);
  if (!run.skipped.empty())
    text += tr("; %1 unreadable images left out of their batches").arg(run.skipped.size());
  text += QStringLiteral(".");
  if (run.model_a == run.model_b && !workspace_.second_model()) {
    text +=
        tr(" The open model against itself (the diagonal is 1): File > Open Second Model... compares it with "
           "another.");
  }
  return text;
}

void ModelsController::open_second_dialog() {
  const QString path = QFileDialog::getOpenFileName(
      window_, tr("Open a second model (B)"), QSettings().value(QStringLiteral("folders/model")).toString(),
      tr("TorchScript models (*.pt *.pth *.ptl);;All files (*)"));
  if (!path.isEmpty()) open_second_model(path);
}

void ModelsController::open_second_model(const QString& path) {
  if (!workspace_.model()) {
    Q_EMIT errorRaised(tr("No model"), tr("Open a model (A) first: model B is compared with it."));
    Q_EMIT secondModelShown(tr("no model"));
    return;
  }
  Q_EMIT statusChanged(tr("Loading %1 as model B...").arg(file_name(path)));
  worker_.submit(
      QStringLiteral("second model"), this,
      [file = path.toStdString(), card = workspace_.model()->card()] {
        return load_second_model(file, card);
      },
      [this, path](Result<SecondModel> loaded) {
        if (!loaded) {
          const QString error = QString::fromStdString(loaded.error());
          Q_EMIT errorRaised(tr("The second model could not be opened"), error);
          Q_EMIT secondModelShown(error);
          return;
        }
        second_feeding_ = QString::fromStdString(loaded.value().feeding);
        Q_EMIT statusChanged(tr("Model B: %1, fed by %2").arg(file_name(path), second_feeding_));
        workspace_.set_second_model(loaded.value().model, path);
        Q_EMIT secondModelShown(QString());
        Q_EMIT pageRequested(pane_);
      },
      Scope::kWindow);
}

void ModelsController::close_second_model() {
  second_feeding_.clear();
  workspace_.set_second_model(nullptr, QString());
}

void ModelsController::choose_dataset_dialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      window_, tr("Compare over a dataset: a folder of class folders, of images, or with an IDX pair"));
  if (folder.isEmpty()) return;
  chosen_dataset_ = folder;
  models_changed();
}

void ModelsController::choose_cell(int row, int column) {
  if (!shown_ || row < 0 || column < 0 || row >= static_cast<int>(shown_->layers_a.size()) ||
      column >= static_cast<int>(shown_->layers_b.size())) {
    return;
  }
  picked_a_ = shown_->layers_a[static_cast<size_t>(row)];
  picked_b_ = shown_->layers_b[static_cast<size_t>(column)];
  picked_value_ = pane_->heatmap()->value(row, column);
  pane_->heatmap()->select({row, column});
  refresh_pair();
}

// The picked layers for the current image: its captures, taken when missing.
void ModelsController::refresh_pair() {
  if (picked_a_.empty() || !workspace_.model()) return;
  const int image = workspace_.current_image();
  if (image < 0) {
    pane_->clear_pair(
        tr("No image is open: File > Add Images... (or a dataset's image) to see the two layers."));
    return;
  }
  if (capture_a_image_ != image && workspace_.capture_image() == image && workspace_.shared_capture()) {
    capture_a_ = workspace_.shared_capture();  // the Browse view's capture of this image
    capture_a_image_ = image;
  }
  capture_pair(image);
  render_pair();
}

// A's capture (when the Browse view has none of this image) and B's, on the worker.
void ModelsController::capture_pair(int image) {
  auto stored = [this, image](std::shared_ptr<const CaptureResult>& capture, int& captured_image) {
    return [this, image, &capture, &captured_image](Result<std::shared_ptr<const CaptureResult>> result) {
      if (image != workspace_.current_image()) return;
      if (!result) {
        pane_->clear_pair(QString::fromStdString(result.error()));
        return;
      }
      capture = std::move(result).value();
      captured_image = image;
      render_pair();
    };
  };
  if (capture_a_image_ != image) {
    request_capture(worker_, workspace_, QStringLiteral("models capture"), this, image,
                    stored(capture_a_, capture_a_image_));
  }
  if (workspace_.second_model() && capture_b_image_ != image) {
    auto b = workspace_.shared_second_model();
    auto done = stored(capture_b_, capture_b_image_);
    request_capture_with(worker_, workspace_, b, QStringLiteral("models capture b"), this, image,
                         [this, b, done](Result<std::shared_ptr<const CaptureResult>> result) {
                           if (b == workspace_.shared_second_model())
                             done(std::move(result));  // else B was closed
                         });
  }
}

void ModelsController::render_pair() {
  const int image = workspace_.current_image();
  const Model* b_model = workspace_.second_model() ? workspace_.second_model() : workspace_.model();
  const CaptureResult* b_capture = workspace_.second_model() ? capture_b_.get() : capture_a_.get();
  const bool b_ready = workspace_.second_model() ? capture_b_image_ == image : capture_a_image_ == image;
  if (picked_a_.empty() || image < 0 || capture_a_image_ != image || !b_ready) {
    if (!picked_a_.empty()) pane_->clear_pair(tr("Capturing the current image..."));
    return;
  }
  const LayerActivation* a = find_activation(capture_a_.get(), QString::fromStdString(picked_a_));
  const LayerActivation* b = find_activation(b_capture, QString::fromStdString(picked_b_));
  const std::string name = workspace_.images()[static_cast<size_t>(image)].input.name;
  const ViewOptions options = workspace_.grid_settings().view_options();
  auto view_a =
      a ? render_layer(*workspace_.model(), *a, 0, name, options) : Result<LayerView>(Error{"not captured"});
  auto view_b = b ? render_layer(*b_model, *b, 0, name, options) : Result<LayerView>(Error{"not captured"});
  if (!view_a || !view_b) {
    pane_->clear_pair(tr("%1 cannot be drawn: %2")
                          .arg(QString::fromStdString(view_a ? picked_b_ : picked_a_),
                               QString::fromStdString(view_a ? view_b.error() : view_a.error())));
    return;
  }
  drawn_[0] = capture_a_;
  drawn_[1] = workspace_.second_model() ? capture_b_ : capture_a_;
  const QString value = std::isnan(picked_value_) ? tr("no value") : QString::number(picked_value_, 'f', 3);
  pane_->show_pair(
      tr("CKA %1 over the dataset; here for the current image, %2 (Ctrl+Tab: the next image)")
          .arg(value, file_name(name)),
      tr("A: %1 of %2").arg(QString::fromStdString(picked_a_), file_name(workspace_.model_path())),
      std::make_shared<const LayerView>(std::move(view_a).value()),
      tr("B: %1 of %2")
          .arg(QString::fromStdString(picked_b_),
               file_name(workspace_.second_model() ? workspace_.second_model_path()
                                                   : workspace_.model_path())),
      std::make_shared<const LayerView>(std::move(view_b).value()));
  Q_EMIT pairShown();
}

}  // namespace actscope
