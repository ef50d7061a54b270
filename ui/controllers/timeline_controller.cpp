#include "ui/controllers/timeline_controller.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>

#include "core/similarity/timeline_plot.h"
#include "ui/controllers/run_dataset.h"
#include "ui/controllers/timeline_job.h"
#include "ui/panes/timeline_pane.h"
#include "ui/state/workspace.h"
#include "ui/widgets/timeline_view.h"

namespace actscope {
namespace {

const QString kLane = QStringLiteral("timeline");
constexpr int kBatch = 64;

QString file_name(const std::string& path) { return QFileInfo(QString::fromStdString(path)).fileName(); }

QString absolute(const QString& path) { return QDir::cleanPath(QFileInfo(path).absoluteFilePath()); }

}  // namespace

TimelineController::TimelineController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window), pane_(new TimelinePane) {
  pane_->setObjectName(QStringLiteral("timelinePane"));
  open_ = new QAction(tr("Open &Training Run..."), this);
  open_->setObjectName(QStringLiteral("openTrainingRunAction"));
  open_->setToolTip(
      tr("A folder of checkpoints of one model: its accuracy, dead filters and layers across training"));
  connect(open_, &QAction::triggered, this, &TimelineController::open_dialog);
  connect(pane_, &TimelinePane::openRunRequested, this, &TimelineController::open_dialog);
  connect(pane_, &TimelinePane::chooseDatasetRequested, this, &TimelineController::choose_dataset_dialog);
  connect(pane_, &TimelinePane::runRequested, this, &TimelineController::run);
  connect(pane_, &TimelinePane::cancelRequested, this, [this] { cancel_->store(true); });
  connect(pane_->view(), &TimelineView::pictureWidthWanted, this, &TimelineController::draw);
  connect(pane_->view(), &TimelineView::checkpointClicked, this,
          [this](int index) { open_checkpoint(index, false); });
  connect(pane_->view(), &TimelineView::checkpointDoubleClicked, this,
          [this](int index) { open_checkpoint(index, true); });
  connect(&workspace_, &Workspace::modelChanged, this, &TimelineController::mark_open_model);
  connect(&workspace_, &Workspace::datasetChanged, this, [this] {
    chosen_dataset_.clear();  // a dataset opened in the Dataset view is this view's too
    show_labels();
  });
  show_labels();
}

TimelineController::~TimelineController() { cancel_->store(true); }

QString TimelineController::dataset() const {
  return chosen_dataset_.isEmpty() ? workspace_.dataset_path() : chosen_dataset_;
}

void TimelineController::show_labels() {
  if (!folder_.isEmpty()) pane_->set_run(QFileInfo(folder_).fileName(), folder_);
  const QString path = dataset();
  if (path.isEmpty()) {
    pane_->set_dataset(tr("none open: Fashion-MNIST's test set for 1x28x28 checkpoints"),
                       tr("No dataset is open: checkpoints that take 1x28x28 images are followed over %1")
                           .arg(QString::fromLatin1(kFashionMnistFolder)));
  } else {
    pane_->set_dataset(QFileInfo(path).fileName(), path);
  }
}

void TimelineController::open_run(const QString& folder) {
  folder_ = folder;
  run();
}

void TimelineController::run() {
  if (folder_.isEmpty()) {
    open_dialog();
    return;
  }
  show_labels();
  cancel_->store(true);                            // a run still going stops; this one gets a fresh token,
  cancel_ = worker_.token(kLane, Scope::kWindow);  // cancelled when the window closes
  timeline_.reset();
  auto job = std::make_shared<TimelineJob>();
  job->folder = folder_.toStdString();
  job->dataset_path = dataset().toStdString();
  job->options.limit = pane_->limit();
  job->options.batch_size = kBatch;
  job->cancel = cancel_;
  job->progress = [self = QPointer<TimelineController>(this), cancel = cancel_](const QString& what,
                                                                                size_t done, size_t total) {
    EngineWorker::post(self, [self, cancel, what, done, total] {
      if (cancel == self->cancel_ && !*cancel) self->pane_->show_progress(what, done, total);
    });
  };
  pane_->show_running(tr("Loading the checkpoints of %1...").arg(QFileInfo(folder_).fileName()));
  Q_EMIT pageRequested(pane_);
  worker_.submit_slices(
      kLane, this, [job] { return timeline_slice(*job); },
      [this, cancel = cancel_](Result<Timeline> timeline) {
        if (cancel == cancel_) finish(std::move(timeline));  // else a newer run replaced this one
      },
      Scope::kWindow);
}

void TimelineController::finish(Result<Timeline> timeline) {
  if (!timeline) {
    const QString error = QString::fromStdString(timeline.error());
    const bool cancelled = error == QStringLiteral("cancelled");
    pane_->show_message(cancelled ? tr("Cancelled: Run follows the checkpoints again.")
                                  : tr("No timeline: %1").arg(error));
    Q_EMIT statusChanged(cancelled ? tr("Timeline cancelled") : tr("No timeline: %1").arg(error));
    Q_EMIT timelineShown(error);
    return;
  }
  timeline_ = std::make_shared<const Timeline>(std::move(timeline).value());
  const Timeline& shown = *timeline_;
  names_.clear();
  for (const TimelineCheckpoint& checkpoint : shown.checkpoints) {
    names_ << QString::fromStdString(checkpoint_name(checkpoint.path));
  }
  // Short enough for the least width; the summary above the picture says the rest.
  title_ = tr("%1: %2 checkpoints, %3 images of %4")
               .arg(QFileInfo(folder_).fileName())
               .arg(shown.checkpoints.size())
               .arg(shown.dataset_images)
               .arg(file_name(shown.dataset_path));
  TimelinePicture picture = draw_timeline(shown, title_.toStdString(), pane_->view()->wanted_width());
  pane_->show_timeline(std::move(picture), names_, summary(shown));
  mark_open_model();
  Q_EMIT statusChanged(tr("Timeline of %1 checkpoints ready").arg(shown.checkpoints.size()));
  Q_EMIT timelineShown(QString());
}

// Where the numbers come from, in words.
QString TimelineController::summary(const Timeline& timeline) const {
  QString text =
      tr("Accuracy and dead filters over %1 images of %2; CKA to the last checkpoint over %3 of them in "
         "batches of %4")
          .arg(timeline.dataset_images)
          .arg(file_name(timeline.dataset_path))
          .arg(timeline.images)
          .arg(timeline.batch_size);
  if (timeline.dropped > 0)
    text += tr(" (the last %1, a partial batch, left out of CKA)").arg(timeline.dropped);
  if (!timeline.skipped.empty()) text += tr("; %1 unreadable images skipped").arg(timeline.skipped.size());
  return text + tr(". A dead filter is zero on every image.");
}

void TimelineController::draw(int width) {
  if (!timeline_) return;
  pane_->redraw(draw_timeline(*timeline_, title_.toStdString(), width), names_);
}

// The checkpoint that is the open model, marked on the picture.
void TimelineController::mark_open_model() {
  if (!timeline_ || !workspace_.model()) return;
  const QString open = absolute(workspace_.model_path());
  const auto& checkpoints = timeline_->checkpoints;
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    if (absolute(QString::fromStdString(checkpoints[i].path)) != open) continue;
    pane_->set_open_checkpoint(
        static_cast<int>(i),
        tr("The open model is %1, checkpoint %2 of %3: the Browse view (Ctrl+1) shows it. "
           "Click another checkpoint to open it.")
            .arg(names_[static_cast<int>(i)])
            .arg(i + 1)
            .arg(checkpoints.size()));
    return;
  }
  pane_->set_open_checkpoint(-1, QString());
}

void TimelineController::open_checkpoint(int index, bool browse) {
  if (!timeline_ || index < 0 || index >= static_cast<int>(timeline_->checkpoints.size())) return;
  const QString path = QString::fromStdString(timeline_->checkpoints[static_cast<size_t>(index)].path);
  // A double-click's first click already asked for it.
  if (!(browse && requested_ == path) && absolute(path) != absolute(workspace_.model_path())) {
    requested_ = path;
    Q_EMIT statusChanged(tr("Opening %1 as the model...").arg(names_[index]));
    workspace_.request_model(path);
  }
  if (browse) Q_EMIT browseRequested();
}

void TimelineController::open_dialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      window_, tr("Open a training run: a folder of TorchScript checkpoints"),
      QSettings().value(QStringLiteral("folders/model")).toString());
  if (!folder.isEmpty()) open_run(folder);
}

void TimelineController::choose_dataset_dialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      window_, tr("Follow the checkpoints over a dataset: a folder of class folders or with an IDX pair"));
  if (folder.isEmpty()) return;
  chosen_dataset_ = folder;
  show_labels();
  if (!folder_.isEmpty()) run();
}

}  // namespace actscope
