// TimelinePane: the Timeline view. A model across its training: the
// picture of a folder of checkpoints (accuracy, dead filters per layer, CKA
// of each layer to the last checkpoint; core/similarity/timeline_plot.h)
// takes the room, drawn at the view's width; above it, which run and which
// dataset, how many images, Run with progress and Cancel, and where the
// numbers come from; below it, which checkpoint is the open model. Clicking
// a checkpoint asks to open it. It only displays and asks: the timeline
// controller loads and computes.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include "core/similarity/timeline_plot.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace actscope {

class TimelineView;

class TimelinePane : public QWidget {
  Q_OBJECT

 public:
  explicit TimelinePane(QWidget* parent = nullptr);

  // The training run's folder, and the dataset the next run reads, as the user should read them.
  void set_run(const QString& text, const QString& tooltip);
  void set_dataset(const QString& text, const QString& tooltip);
  // The first images of the dataset a run reads (0: all).
  int limit() const;
  void set_limit(int limit);

  // A run is going: progress and Cancel; the picture's place says `what`.
  void show_running(const QString& what);
  void show_progress(const QString& what, size_t done, size_t total);
  // No picture: `message` in its place.
  void show_message(const QString& message);
  // A finished run: its picture, the checkpoints' names, where its numbers come from.
  void show_timeline(TimelinePicture picture, const QStringList& names, const QString& summary);
  // The same run drawn again (at another width).
  void redraw(TimelinePicture picture, const QStringList& names);
  // Which checkpoint is the open model (-1: none of them), said in `text`.
  void set_open_checkpoint(int index, const QString& text);

  TimelineView* view() const { return view_; }

 Q_SIGNALS:
  void openRunRequested();
  void chooseDatasetRequested();
  void runRequested();
  void cancelRequested();

 private:
  QWidget* build_controls();
  void finish_run();

  TimelineView* view_;
  QLabel* run_label_;
  QLabel* dataset_;
  QSpinBox* limit_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* progress_text_;
  QLabel* summary_;
  QLabel* open_;
};

}  // namespace actscope
