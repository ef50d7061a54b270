#include "ui/controllers/faithfulness_controller.h"

#include <QFileInfo>
#include <QInputDialog>
#include <QPointer>

#include "core/faithfulness/faithfulness_plot.h"
#include "ui/controllers/faithfulness_job.h"
#include "ui/panes/faithfulness_pane.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

const QString kImageLane = QStringLiteral("faithfulness image");
const QString kDatasetLane = QStringLiteral("faithfulness dataset");
using Shown = FaithfulnessPane::Scope;

// Stops the run that holds `token` and replaces it: the run's end, which
// checks for the token it was given, is then dropped unseen.
void drop(CancelToken& token) {
  token->store(true);
  token = std::make_shared<std::atomic<bool>>(true);
}

// One image's metrics as a table's rows (no spreads).
std::vector<FaithfulnessSeries> image_series(const ImageFaithfulness& image,
                                             const std::vector<std::string>& methods) {
  std::vector<FaithfulnessSeries> series;
  for (size_t m = 0; m < methods.size() && m < image.methods.size(); ++m) {
    FaithfulnessSeries line;
    line.method = methods[m];
    line.deletion = image.methods[m].deletion_curve;
    line.insertion = image.methods[m].insertion_curve;
    for (size_t metric = 0; metric < faithfulness_metrics().size(); ++metric) {
      line.means.push_back(metric_value(image.methods[m], metric));
    }
    series.push_back(std::move(line));
  }
  return series;
}

QString layers_text(const std::vector<std::string>& layers) {
  if (layers.empty()) return FaithfulnessController::tr("the default layer");
  QStringList names;
  for (const auto& layer : layers) names << QString::fromStdString(layer);
  return names.join(QStringLiteral(", "));
}

}  // namespace

FaithfulnessController::FaithfulnessController(Workspace& workspace, EngineWorker& worker,
                                               FaithfulnessPane* pane, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), pane_(pane), window_(window) {
  connect(pane_, &FaithfulnessPane::datasetRequested, this, &FaithfulnessController::ask_limit);
  connect(pane_, &FaithfulnessPane::cancelRequested, this, &FaithfulnessController::cancel);
  connect(&workspace_, &Workspace::datasetChanged, this, &FaithfulnessController::follow_dataset);
  connect(&workspace_, &Workspace::modelChanged, this, [this] {
    drop(image_cancel_);  // results of the old model's runs are dropped unseen
    drop(dataset_cancel_);
    current_ = image_request_ = dataset_request_ = {};
    image_result_.reset();
    dataset_result_.reset();
    pane_->clear(Shown::kImage, QString());
    pane_->clear(Shown::kDataset, QString());
    follow_dataset();
  });
  follow_dataset();
}

FaithfulnessController::~FaithfulnessController() { cancel(); }

void FaithfulnessController::cancel() {
  image_cancel_->store(true);
  dataset_cancel_->store(true);
}

FaithfulnessRunOptions FaithfulnessController::run_options(const CamOptions& cam,
                                                           std::vector<std::string> methods) const {
  FaithfulnessRunOptions options;
  options.methods = std::move(methods);
  options.cam.layers = cam.layers;
  options.cam.target_class = cam.target_class;
  options.cam.score_batch_size = cam.score_batch_size;
  return options;
}

QString FaithfulnessController::class_text(const std::optional<int>& target_class) const {
  if (!target_class) return tr("its predicted class");
  return tr("class %1 (%2)")
      .arg(*target_class)
      .arg(QString::fromStdString(workspace_.model()->card().label(*target_class)));
}

std::function<void(const QString&, size_t, size_t)> FaithfulnessController::progress_poster(
    const CancelToken& cancel) {
  return [self = QPointer<FaithfulnessController>(this), cancel](const QString& what, size_t done,
                                                                 size_t total) {
    EngineWorker::post(self, [self, cancel, what, done, total] {
      if (!*cancel) self->pane_->show_progress(what, done, total);
    });
  };
}

void FaithfulnessController::measure_image(int image, const CamOptions& cam) {
  if (!workspace_.model() || image < 0 || image >= static_cast<int>(workspace_.images().size())) return;
  image_cancel_->store(true);  // a run for another request stops
  image_cancel_ = worker_.token(kImageLane);
  const InputImage& input = workspace_.images()[static_cast<size_t>(image)].input;
  image_request_ = {true, image, input.name, cam.layers, cam.target_class};
  current_ = image_request_;
  image_result_.reset();
  pane_->show_running(Shown::kImage, tr("Measuring every method on %1 for %2...")
                                         .arg(QFileInfo(QString::fromStdString(input.name)).fileName(),
                                              class_text(cam.target_class)));
  auto job = std::make_shared<ImageFaithfulnessJob>();
  job->model = workspace_.shared_model();
  job->input = input;
  job->options = run_options(cam, every_faithfulness_method());
  job->cancel = image_cancel_;
  job->progress = progress_poster(image_cancel_);
  worker_.submit_slices(
      kImageLane, this, [job] { return image_faithfulness_slice(*job); },
      [this, job, cancel = image_cancel_](Result<ImageFaithfulness> measured) {
        if (cancel != image_cancel_) return;  // a newer request replaced this one
        show_image(std::move(measured), job->methods, job->notes);
      });
}

void FaithfulnessController::show_image(Result<ImageFaithfulness> measured,
                                        const std::vector<std::string>& methods,
                                        const std::vector<std::string>& notes) {
  if (!measured) {
    const QString error = QString::fromStdString(measured.error());
    pane_->show_message(Shown::kImage, error == QStringLiteral("cancelled") ? tr("Cancelled.") : error);
    Q_EMIT imageMeasured(error);
    return;
  }
  if (!workspace_.model()) return;
  image_methods_ = methods;
  image_result_ = std::move(measured).value();
  const ModelCard& card = workspace_.model()->card();
  FaithfulnessShown shown;
  shown.series = image_series(*image_result_, methods);
  shown.curve_x = curve_x(static_cast<int64_t>(card.height) * card.width, card.width);
  shown.caption = tr("This image: %1, scored for class %2 (%3)%4, maps on %5.")
                      .arg(QFileInfo(QString::fromStdString(image_request_.name)).fileName())
                      .arg(image_result_->target_class)
                      .arg(QString::fromStdString(card.label(image_result_->target_class)),
                           image_request_.target_class ? QString() : tr(", its predicted class"),
                           layers_text(image_request_.layers));
  for (const auto& note : notes)
    shown.caption += QStringLiteral("\n") + tr("Left out: %1").arg(QString::fromStdString(note));
  pane_->show_result(Shown::kImage, std::move(shown));
  Q_EMIT imageMeasured(QString());
}

void FaithfulnessController::follow(int image, const CamOptions& cam) {
  const std::string name = image >= 0 && image < static_cast<int>(workspace_.images().size())
                               ? workspace_.images()[image].input.name
                               : "";
  const Request now{true, image, name, cam.layers, cam.target_class};
  current_ = now;
  const auto same_target = [&now](const Request& request) {
    return request.layers == now.layers && request.target_class == now.target_class;
  };
  if (image_request_.set &&
      !(same_target(image_request_) && image_request_.image == image && image_request_.name == name)) {
    drop(image_cancel_);
    image_request_ = {};
    image_result_.reset();
    pane_->clear(Shown::kImage,
                 tr("The image, layer or class changed: press All methods again to measure it."));
  }
  if (dataset_request_.set && !same_target(dataset_request_)) {
    drop(dataset_cancel_);
    dataset_request_ = {};
    dataset_result_.reset();
    pane_->clear(Shown::kDataset, tr("The layer or class changed: measure the dataset again."));
  }
}

// The open dataset can be measured; another dataset than the measured one
// clears its result.
void FaithfulnessController::follow_dataset() {
  const QString path = workspace_.dataset_path();
  const bool available = workspace_.model() && !path.isEmpty();
  pane_->set_dataset_available(available, available
                                              ? tr("Measure every method over images of %1: each metric's "
                                                   "mean and spread")
                                                    .arg(path)
                                              : tr("Open a dataset first (File > Open Dataset...)"));
  if (dataset_request_.set && path != dataset_path_) {
    drop(dataset_cancel_);
    dataset_request_ = {};
    dataset_result_.reset();
    pane_->clear(Shown::kDataset, tr("Another dataset is open: measure it with Over the dataset..."));
  }
}

void FaithfulnessController::ask_limit() {
  const QString path = workspace_.dataset_path();
  if (path.isEmpty()) return;
  bool ok = false;
  const int limit = QInputDialog::getInt(window_, tr("Faithfulness over the dataset"),
                                         tr("Measure how many images of %1?\nThey are spread evenly over the "
                                            "dataset; a number at least its size "
                                            "measures every image.")
                                             .arg(QFileInfo(path).fileName()),
                                         1000, 1, 100000000, 100, &ok);
  if (ok) measure_dataset(limit);
}

void FaithfulnessController::measure_dataset(int64_t limit) {
  const QString path = workspace_.dataset_path();
  if (!workspace_.model() || path.isEmpty()) {
    Q_EMIT datasetMeasured(tr("no dataset is open"));
    return;
  }
  dataset_cancel_->store(true);
  dataset_cancel_ = worker_.token(kDatasetLane);
  dataset_request_ = current_;
  dataset_request_.set = true;
  dataset_path_ = path;
  dataset_result_.reset();
  CamOptions cam;
  cam.layers = current_.layers;
  cam.target_class = current_.target_class;
  const bool image_methods = image_result_ && image_request_.layers == current_.layers &&
                             image_request_.target_class == current_.target_class;
  auto job = std::make_shared<DatasetFaithfulnessJob>();
  job->model = workspace_.shared_model();
  job->dataset_path = path.toStdString();
  job->limit = limit;
  job->options = run_options(cam, image_methods ? image_methods_ : every_faithfulness_method());
  job->cancel = dataset_cancel_;
  job->progress = progress_poster(dataset_cancel_);
  pane_->show_running(
      Shown::kDataset,
      tr("Measuring every method over %1 images of %2...").arg(limit).arg(QFileInfo(path).fileName()));
  worker_.submit_slices(
      kDatasetLane, this, [job] { return dataset_faithfulness_slice(*job); },
      [this, cancel = dataset_cancel_](Result<FaithfulnessRun> run) {
        if (cancel != dataset_cancel_) return;
        show_dataset(std::move(run));
      });
}

void FaithfulnessController::show_dataset(Result<FaithfulnessRun> run) {
  if (!run) {
    const QString error = QString::fromStdString(run.error());
    pane_->show_message(Shown::kDataset, error == QStringLiteral("cancelled") ? tr("Cancelled.") : error);
    if (error != QStringLiteral("cancelled"))
      Q_EMIT errorRaised(tr("No faithfulness over the dataset"), error);
    Q_EMIT datasetMeasured(error);
    return;
  }
  dataset_result_ = std::move(run).value();
  const FaithfulnessRun& measured = *dataset_result_;
  FaithfulnessShown shown;
  shown.series = summary_series(measured);
  shown.curve_x = measured.curve_x;
  shown.score = measured.options.score;
  shown.caption =
      tr("Over %1 images of %2, each scored for %3, maps on %4: mean ± spread (population standard "
         "deviation); the curve is the mean.")
          .arg(measured.images.size())
          .arg(QFileInfo(dataset_path_).fileName(), class_text(dataset_request_.target_class),
               layers_text(dataset_request_.layers));
  if (!measured.skipped.empty())
    shown.caption += tr(" %1 images could not be read.").arg(measured.skipped.size());
  pane_->show_result(Shown::kDataset, std::move(shown));
  Q_EMIT statusChanged(tr("Faithfulness over %1 images measured").arg(measured.images.size()));
  Q_EMIT datasetMeasured(QString());
}

}  // namespace actscope
