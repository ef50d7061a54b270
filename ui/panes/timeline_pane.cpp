#include "ui/panes/timeline_pane.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/widgets/timeline_view.h"

namespace actscope {
namespace {

constexpr int kDefaultLimit = 1000;

}  // namespace

TimelinePane::TimelinePane(QWidget* parent) : QWidget(parent), view_(new TimelineView) {
  view_->setObjectName(QStringLiteral("timelineView"));
  summary_ = new QLabel;
  summary_->setObjectName(QStringLiteral("timelineSummary"));
  summary_->setWordWrap(true);
  open_ = new QLabel;
  open_->setObjectName(QStringLiteral("timelineOpen"));
  open_->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(build_controls());
  layout->addWidget(summary_);
  layout->addWidget(view_, 1);
  layout->addWidget(open_);
  set_run(tr("none open"), QString());
  show_message(
      tr("Open a training run: a folder of TorchScript checkpoints of one model (*.pt, in the order of "
         "their names). Each is followed over the dataset: its accuracy, its dead filters, and how alike "
         "each layer is to the last checkpoint's (CKA)."));
  set_open_checkpoint(-1, QString());
}

// Two rows: the run and the dataset, then the images and Run.
QWidget* TimelinePane::build_controls() {
  auto* box = new QWidget;
  auto* grid = new QGridLayout(box);
  grid->setContentsMargins(0, 0, 0, 0);
  // The labels wrap: a long folder or dataset name never widens the window.
  run_label_ = new QLabel;
  run_label_->setObjectName(QStringLiteral("timelineRun"));
  run_label_->setWordWrap(true);
  auto* open = new QPushButton(tr("Open Training Run..."));
  open->setToolTip(tr("A folder of TorchScript checkpoints of one model, in training order by name"));
  connect(open, &QPushButton::clicked, this, &TimelinePane::openRunRequested);
  dataset_ = new QLabel;
  dataset_->setObjectName(QStringLiteral("timelineDataset"));
  dataset_->setWordWrap(true);
  auto* choose = new QPushButton(tr("Choose Dataset..."));
  choose->setToolTip(tr("A folder of class folders or with an IDX pair (Fashion-MNIST's): labelled images"));
  connect(choose, &QPushButton::clicked, this, &TimelinePane::chooseDatasetRequested);
  grid->addWidget(new QLabel(tr("Training run")), 0, 0);
  grid->addWidget(run_label_, 0, 1);
  grid->addWidget(open, 0, 2);
  grid->addWidget(new QLabel(tr("Dataset")), 0, 3);
  grid->addWidget(dataset_, 0, 4);
  grid->addWidget(choose, 0, 5);
  limit_ = new QSpinBox;
  limit_->setObjectName(QStringLiteral("timelineLimit"));
  limit_->setRange(0, 10000000);
  limit_->setSingleStep(256);
  limit_->setValue(kDefaultLimit);
  limit_->setSpecialValueText(tr("all"));
  limit_->setToolTip(tr("Only the first images of the dataset; CKA reads them in batches of 64"));
  run_ = new QPushButton(tr("Run"));
  run_->setObjectName(QStringLiteral("timelineRunButton"));
  run_->setToolTip(tr("Follow every checkpoint over the images again"));
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setObjectName(QStringLiteral("timelineCancel"));
  cancel_->setEnabled(false);
  cancel_->setToolTip(tr("Stop the run"));
  connect(run_, &QPushButton::clicked, this, &TimelinePane::runRequested);
  connect(cancel_, &QPushButton::clicked, this, &TimelinePane::cancelRequested);
  progress_ = new QProgressBar;
  progress_->setVisible(false);
  progress_text_ = new QLabel;
  progress_text_->setObjectName(QStringLiteral("timelineProgress"));
  progress_text_->setWordWrap(true);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Images")));
  row->addWidget(limit_);
  row->addWidget(run_);
  row->addWidget(cancel_);
  row->addWidget(progress_, 1);
  row->addWidget(progress_text_, 1);
  grid->addLayout(row, 1, 0, 1, 6);
  grid->setColumnStretch(1, 3);
  grid->setColumnStretch(4, 2);
  return box;
}

void TimelinePane::set_run(const QString& text, const QString& tooltip) {
  run_label_->setText(text);
  run_label_->setToolTip(tooltip);
}

void TimelinePane::set_dataset(const QString& text, const QString& tooltip) {
  dataset_->setText(text);
  dataset_->setToolTip(tooltip);
}

int TimelinePane::limit() const { return limit_->value(); }

void TimelinePane::set_limit(int limit) { limit_->setValue(limit); }

void TimelinePane::show_running(const QString& what) {
  view_->clear(what);
  summary_->clear();
  set_open_checkpoint(-1, QString());
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  progress_->setVisible(true);
  progress_->setRange(0, 0);
  progress_text_->setText(what);
}

void TimelinePane::show_progress(const QString& what, size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_text_->setText(tr("%1 %2 of %3").arg(what).arg(done).arg(total));
}

void TimelinePane::finish_run() {
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  progress_->setVisible(false);
  progress_text_->clear();
}

void TimelinePane::show_message(const QString& message) {
  finish_run();
  view_->clear(message);
  summary_->clear();
}

void TimelinePane::show_timeline(TimelinePicture picture, const QStringList& names, const QString& summary) {
  finish_run();
  view_->set_picture(std::move(picture), names);
  summary_->setText(summary);
}

void TimelinePane::redraw(TimelinePicture picture, const QStringList& names) {
  const int marked = view_->marked();
  view_->set_picture(std::move(picture), names);
  view_->set_marked(marked);
}

void TimelinePane::set_open_checkpoint(int index, const QString& text) {
  view_->set_marked(index);
  open_->setText(text.isEmpty()
                     ? tr("Click a checkpoint to open it as the model (double-click: and browse it).")
                     : text);
}

}  // namespace actscope
