#include "ui/panes/visualize_layer_pane.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/widgets/grid_view.h"

namespace actscope {

VisualizeLayerPane::VisualizeLayerPane(QWidget* parent)
    : QWidget(parent),
      steps_(new QSpinBox),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      message_(new QLabel),
      grid_(new GridView) {
  setObjectName(QStringLiteral("visualizeLayerPane"));
  steps_->setObjectName(QStringLiteral("visualizeSteps"));
  steps_->setRange(1, 100000);
  steps_->setValue(512);
  steps_->setToolTip(
      tr("Adam steps per image, for the layer and for one filter: fewer is faster and rougher"));
  progress_->setObjectName(QStringLiteral("visualizeLayerProgress"));
  progress_->setMinimumWidth(180);  // "64 of 128 filters done" in sight at 1024x640
  cancel_->setObjectName(QStringLiteral("visualizeLayerCancel"));
  cancel_->setToolTip(tr("Stop; the images finished so far stay"));
  message_->setObjectName(QStringLiteral("visualizeLayerMessage"));
  message_->setWordWrap(true);
  grid_->setObjectName(QStringLiteral("visualizeGrid"));
  grid_->setToolTip(tr("Each filter's synthesized image: images, not normalized maps (no colour scale)"));
  auto* area = new QScrollArea;
  area->setObjectName(QStringLiteral("visualizeGridArea"));
  area->setWidget(grid_);
  area->setWidgetResizable(false);
  area->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Steps:")));
  row->addWidget(steps_);
  row->addWidget(progress_, 4);
  row->addWidget(cancel_);
  row->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 4, 0, 0);
  layout->addLayout(row);
  layout->addWidget(message_);
  layout->addWidget(area, 1);
  connect(cancel_, &QPushButton::clicked, this, &VisualizeLayerPane::cancelRequested);
  connect(grid_, &GridView::selectionChanged, this, &VisualizeLayerPane::filterClicked);
  grid_->installEventFilter(this);
  connect(steps_, qOverload<int>(&QSpinBox::valueChanged), this, &VisualizeLayerPane::stepsChanged);
  stop_running();
}

int VisualizeLayerPane::steps() const { return steps_->value(); }

void VisualizeLayerPane::set_steps(int steps) { steps_->setValue(steps); }

void VisualizeLayerPane::show_grid(std::shared_ptr<const LayerView> view, const QStringList& notes,
                                   const QString& message) {
  grid_->set_tile_notes(notes);
  grid_->set_view(std::move(view));
  message_->setText(message);
}

void VisualizeLayerPane::show_message(const QString& message) {
  grid_->clear(message);
  message_->clear();
}

void VisualizeLayerPane::show_running(int filters) {
  run_filters_ = filters;
  progress_->setRange(0, 0);
  progress_->setFormat(tr("0 of %1 filters done").arg(filters));
  progress_->show();
  cancel_->show();
}

void VisualizeLayerPane::show_progress(int64_t done, int64_t total, int filters_done) {
  if (progress_->isHidden() || total <= 0) return;
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_->setFormat(tr("%1 of %2 filters done").arg(filters_done).arg(run_filters_));
}

void VisualizeLayerPane::stop_running() {
  progress_->hide();
  cancel_->hide();
}

void VisualizeLayerPane::select_filter(int filter) { grid_->select_filter(filter); }

bool VisualizeLayerPane::eventFilter(QObject* watched, QEvent* event) {
  if (watched == grid_ && event->type() == QEvent::MouseButtonRelease) {
    const int filter = grid_->unit_at(static_cast<QMouseEvent*>(event)->position().toPoint()).filter;
    if (filter >= 0) Q_EMIT filterClicked(filter);
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace actscope
