#include "ui/controllers/dataset_controller.h"

#include <QAction>
#include <QPointer>

#include "core/explain/compare.h"
#include "ui/panes/dataset_pane.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

const QString kLane = QStringLiteral("dataset");

}  // namespace

DatasetController::DatasetController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), pane_(new DatasetPane) {
  open_ = new QAction(tr("Open &Dataset..."), this);
  connect(open_, &QAction::triggered, this, [this] {
    Q_EMIT pageRequested(pane_);
    pane_->choose_folder();
  });
  connect(pane_, &DatasetPane::openRequested, this, &DatasetController::load);
  connect(pane_, &DatasetPane::compareRequested, this, &DatasetController::compare_image);
  connect(pane_, &DatasetPane::imageSelected, this, &DatasetController::show_image);
  connect(pane_, &DatasetPane::cancelRequested, this, [this] { worker_.cancel(kLane); });
  connect(&workspace_, &Workspace::modelChanged, this, &DatasetController::reset);
}

void DatasetController::reset() {
  const ModelCard& card = workspace_.model()->card();
  if (run_model_path_ != workspace_.model_path() || run_labels_ != card.labels) run_.reset();
  show_class_names();
  if (run_) pane_->show_predictions(run_->dataset, run_->predictions);  // the same model again
}

// The card's class names; for a card without any, a folder of class folders
// names them as torchvision's ImageFolder does (the sorted folder names).
void DatasetController::show_class_names() {
  const ModelCard card =
      run_ ? card_naming_classes(workspace_.model()->card(), *run_->dataset) : workspace_.model()->card();
  QStringList labels;
  for (size_t i = 0; i < card.labels.size(); ++i) labels << QString::fromStdString(card.label(static_cast<int>(i)));
  pane_->set_labels(labels);
}

void DatasetController::load(const QString& path) {
  if (!workspace_.model()) {
    pane_->show_error(tr("Open a model first: the dataset's classes are the model's."));
    Q_EMIT datasetShown(tr("no model"));
    return;
  }
  Q_EMIT pageRequested(pane_);
  pane_->show_running(path);
  DatasetPredictOptions options;
  // A dataset still predicting is dropped.
  const CancelToken cancel = worker_.token(kLane);
  options.progress = [pane = QPointer<DatasetPane>(pane_), cancel](size_t done, size_t total) {
    if (*cancel) return false;  // a later run's bar is not this run's
    EngineWorker::post(pane, [pane, done, total] { pane->show_progress(done, total); });
    return true;
  };
  // On the worker a batch at a time: a CAM or a layer asked for meanwhile
  // runs between two batches instead of after the whole dataset.
  // The job outlives a model change (Scope::kWindow) so that its end is
  // shown: the token is cancelled by the change and the next slice says so.
  auto run = std::make_shared<Run>();
  const std::shared_ptr<const Model> model = workspace_.shared_model();
  worker_.submit_slices(
      kLane, this,
      [model, options, path = path.toStdString(), run,
       cancel]() mutable -> std::optional<Result<Run>> {
        if (*cancel) return Result<Run>(Error{"cancelled"});
        if (!run->dataset) {
          auto dataset = open_dataset(path, model->card());
          if (!dataset) return Result<Run>(Error{dataset.error()});
          run->dataset = std::make_shared<const Dataset>(std::move(dataset).value());
          return std::nullopt;
        }
        options.first = run->predictions.size();
        options.count = static_cast<size_t>(options.batch_size);
        auto predictions = predict_dataset(*model, *run->dataset, options);
        if (!predictions) return Result<Run>(Error{predictions.error()});
        run->predictions.insert(run->predictions.end(), predictions.value().begin(), predictions.value().end());
        if (run->predictions.size() < run->dataset->images.size()) return std::nullopt;
        return Result<Run>(std::move(*run));
      },
      [this, model](Result<Run> done) {
        if (model != workspace_.shared_model()) done = Error{"cancelled"};  // predicted for the model before
        show_run(std::move(done));
      },
      Scope::kWindow);
}

void DatasetController::show_run(Result<Run> run) {
  if (!run) {
    const QString error = QString::fromStdString(run.error());
    pane_->show_error(error == QStringLiteral("cancelled") ? tr("Prediction cancelled.") : error);
    Q_EMIT datasetShown(error);
    return;
  }
  run_ = std::make_shared<const Run>(std::move(run).value());
  run_model_path_ = workspace_.model_path();
  run_labels_ = workspace_.model()->card().labels;
  // The open dataset: the Models and Timeline views read it too.
  workspace_.set_dataset_path(QString::fromStdString(run_->dataset->source));
  show_class_names();
  pane_->show_predictions(run_->dataset, run_->predictions);
  Q_EMIT statusChanged(tr("%1 images predicted").arg(run_->predictions.size()));
  Q_EMIT datasetShown(QString());
}

void DatasetController::compare_image(int index) {
  const int count = run_ ? static_cast<int>(run_->predictions.size()) : 0;
  if (!workspace_.model() || !run_ || index < 0 || index >= count) {
    Q_EMIT errorRaised(tr("Cannot compare"),
                       run_ ? tr("The dataset has no image %1 (it has %2).").arg(index).arg(count)
                            : tr("Open and predict a dataset first."));
    return;
  }
  Q_EMIT statusChanged(tr("Finding the nearest correctly classified image of the same class..."));
  worker_.submit(
      QStringLiteral("pair"), this,
      [model = workspace_.shared_model(), run = run_, index] {
        return load_compare_pair(*model, *run->dataset, run->predictions, static_cast<size_t>(index));
      },
      [this](Result<ComparePair> pair) { show_pair(std::move(pair)); });
}

void DatasetController::show_image(int index) {
  const int count = run_ ? static_cast<int>(run_->predictions.size()) : 0;
  if (!workspace_.model() || !run_ || index < 0 || index >= count) return;
  worker_.submit(
      QStringLiteral("dataset image"), this,
      [model = workspace_.shared_model(), run = run_, index] {
        return load_dataset_images(*model, *run->dataset, {static_cast<size_t>(index)});
      },
      [this](Result<std::vector<LoadedImage>> images) {
        if (!images) {
          Q_EMIT errorRaised(tr("Cannot show the image"), QString::fromStdString(images.error()));
          return;
        }
        workspace_.set_current_image(workspace_.add_image(images.value().front()));
        Q_EMIT imageShown();
      });
}

void DatasetController::show_pair(Result<ComparePair> pair) {
  if (!pair) {
    Q_EMIT errorRaised(tr("Cannot compare"), QString::fromStdString(pair.error()));
    return;
  }
  const auto& images = pair.value().images;
  const int a = workspace_.add_image(images.front());
  const int b = images.size() > 1 ? workspace_.add_image(images[1]) : -1;
  workspace_.set_current_image(a);
  workspace_.request_compare(b, QString::fromStdString(pair.value().note));
}

}  // namespace actscope
