// TimelineController: the Timeline view. Opens a training run (a folder of
// TorchScript checkpoints of one model), loads every checkpoint and
// follows them over the open dataset on the engine worker a batch at a time
// (core/similarity/timeline.h), with progress and Cancel, and shows the
// picture core draws (timeline_plot.h) at the view's width. A click on a
// checkpoint opens it as the model, with the open images, through the
// workspace; the open one is marked. The run outlives a model change (it
// does not use the open model); closing the window cancels it.
#pragma once

#include <memory>

#include <QString>
#include <QStringList>

#include "core/similarity/timeline.h"
#include "ui/controllers/controller.h"
#include "ui/state/engine_worker.h"

class QAction;
class QWidget;

namespace actscope {

class TimelinePane;
class Workspace;

class TimelineController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  TimelineController(Workspace& workspace, EngineWorker& worker, QWidget* window);
  // Cancels a run.
  ~TimelineController() override;

  TimelinePane* pane() const { return pane_; }
  QAction* open_action() const { return open_; }

  // Follows the checkpoints of `folder` over the dataset with the pane's
  // number of images. Returns at once; timelineShown follows.
  void open_run(const QString& folder);
  // The same run again (after the number of images or the dataset changed).
  void run();
  // The timeline shown; null before any.
  const Timeline* timeline() const { return timeline_.get(); }
  // The dataset the next run reads ("" when none is open: see open_run_dataset).
  QString dataset() const;
  // Opens checkpoint `index` of the shown timeline as the model, with the
  // open images (sessionShown follows from the window); with `browse` the
  // Browse view comes to the front.
  void open_checkpoint(int index, bool browse);

 Q_SIGNALS:
  // A run ended: `error` empty when its picture is shown, "cancelled" or what failed.
  void timelineShown(const QString& error);
  // The user asked to see the opened checkpoint in the Browse view.
  void browseRequested();

 private:
  void finish(Result<Timeline> timeline);
  void draw(int width);
  QString summary(const Timeline& timeline) const;
  void show_labels();
  void mark_open_model();
  void open_dialog();
  void choose_dataset_dialog();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  TimelinePane* pane_;
  QAction* open_;
  CancelToken cancel_ = std::make_shared<std::atomic<bool>>(false);
  QString folder_;          // the run being followed or shown
  QString chosen_dataset_;  // chosen in this view; "" follows the open dataset
  std::shared_ptr<const Timeline> timeline_;
  QString title_;
  QStringList names_;  // the checkpoints' short names
  QString requested_;  // the checkpoint last asked to open
};

}  // namespace actscope
