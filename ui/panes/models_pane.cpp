#include "ui/panes/models_pane.h"

#include <algorithm>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "ui/widgets/cka_heatmap_view.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

// The right column (the controls and the two grids) until the user moves the splitter.
constexpr double kColumnShare = 0.38;
constexpr int kLeastColumn = 300;
constexpr int kMostColumn = 480;
constexpr int kDefaultLimit = 1000;

QLabel* wrapped(const QString& text = QString()) {
  auto* label = new QLabel(text);
  label->setWordWrap(true);
  return label;
}

}  // namespace

ModelsPane::ModelsPane(QWidget* parent) : QWidget(parent), heatmap_(new CkaHeatmapView) {
  heatmap_->setObjectName(QStringLiteral("modelsHeatmap"));
  auto* column = new QWidget;
  auto* column_layout = new QVBoxLayout(column);
  column_layout->setContentsMargins(0, 0, 0, 0);
  column_layout->addWidget(build_controls());
  column_layout->addWidget(build_pair(), 1);
  split_ = new QSplitter(Qt::Horizontal);
  split_->setObjectName(QStringLiteral("modelsSplitter"));
  split_->setChildrenCollapsible(false);
  split_->addWidget(build_heatmap());
  split_->addWidget(column);
  connect(split_, &QSplitter::splitterMoved, this, [this] { split_by_user_ = true; });
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(split_);
  connect(heatmap_, &CkaHeatmapView::cellClicked, this, &ModelsPane::cellChosen);
  connect(heatmap_, &CkaHeatmapView::cellHovered, this, [this](int row, int column) {
    hover_->setText(row >= 0
                        ? heatmap_->describe(row, column)
                        : tr("Hover a cell to read it; click it to see both layers for the current image."));
  });
  show_message(tr("Open a model to compare its layers."));
  clear_pair(tr("Click a cell of the heatmap: its two layers are drawn here for the current image."));
}

// The heatmap in a scroll area (many layers scroll instead of shrinking
// past reading), its summary above and its colour bar and hover line below.
QWidget* ModelsPane::build_heatmap() {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 4, 0);
  summary_ = wrapped();
  summary_->setObjectName(QStringLiteral("modelsSummary"));
  layout->addWidget(summary_);
  auto* area = new QScrollArea;
  area->setObjectName(QStringLiteral("modelsHeatmapArea"));
  area->setWidget(heatmap_);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  layout->addWidget(area, 1);
  heatmap_scale_ = new ColorBar;
  heatmap_scale_->setObjectName(QStringLiteral("modelsScale"));
  layout->addWidget(heatmap_scale_);
  hover_ = wrapped(tr("Hover a cell to read it; click it to see both layers for the current image."));
  hover_->setObjectName(QStringLiteral("modelsHover"));
  layout->addWidget(hover_);
  return box;
}

QWidget* ModelsPane::build_controls() {
  auto* box = new QWidget;
  auto* form = new QFormLayout(box);
  form->setContentsMargins(0, 0, 0, 0);
  second_ = wrapped();
  second_->setObjectName(QStringLiteral("modelsSecond"));
  auto* open = new QPushButton(tr("Open Second Model..."));
  open->setToolTip(
      tr("A TorchScript model whose layers are compared with the open model's (B: the columns)"));
  close_second_ = new QPushButton(tr("Close B"));
  close_second_->setToolTip(tr("Compare the open model with itself again"));
  connect(open, &QPushButton::clicked, this, &ModelsPane::openSecondRequested);
  connect(close_second_, &QPushButton::clicked, this, &ModelsPane::closeSecondRequested);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(open);
  buttons->addWidget(close_second_);
  buttons->addStretch(1);
  form->addRow(tr("Model B"), second_);
  form->addRow(buttons);
  dataset_ = wrapped();
  dataset_->setObjectName(QStringLiteral("modelsDataset"));
  auto* choose = new QPushButton(tr("Choose Dataset..."));
  choose->setToolTip(tr("A folder of class folders, of images, or with an IDX pair (Fashion-MNIST's)"));
  connect(choose, &QPushButton::clicked, this, &ModelsPane::chooseDatasetRequested);
  auto* dataset_row = new QHBoxLayout;
  dataset_row->addWidget(choose);
  dataset_row->addStretch(1);
  form->addRow(tr("Dataset"), dataset_);
  form->addRow(dataset_row);
  limit_ = new QSpinBox;
  limit_->setObjectName(QStringLiteral("modelsLimit"));
  limit_->setRange(0, 10000000);
  limit_->setSingleStep(256);
  limit_->setValue(kDefaultLimit);
  limit_->setSpecialValueText(tr("all"));
  limit_->setToolTip(
      tr("Only the first images of the dataset, in batches of 64 (a last partial batch is left out)"));
  form->addRow(tr("Images"), limit_);
  run_ = new QPushButton(tr("Run"));
  run_->setObjectName(QStringLiteral("modelsRun"));
  run_->setToolTip(tr("Compute the CKA of every layer of A with every layer of B over the images"));
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setObjectName(QStringLiteral("modelsCancel"));
  cancel_->setEnabled(false);
  cancel_->setToolTip(tr("Stop the run"));
  connect(run_, &QPushButton::clicked, this, &ModelsPane::runRequested);
  connect(cancel_, &QPushButton::clicked, this, &ModelsPane::cancelRequested);
  auto* run_row = new QHBoxLayout;
  run_row->addWidget(run_);
  run_row->addWidget(cancel_);
  progress_ = new QProgressBar;
  progress_->setVisible(false);
  run_row->addWidget(progress_, 1);
  form->addRow(run_row);
  progress_text_ = wrapped();
  progress_text_->setObjectName(QStringLiteral("modelsProgress"));
  form->addRow(progress_text_);
  return box;
}

// A's grid and B's side by side, each under its title and colour bar.
QWidget* ModelsPane::build_pair() {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 6, 0, 0);
  pair_summary_ = wrapped();
  pair_summary_->setObjectName(QStringLiteral("modelsPairSummary"));
  layout->addWidget(pair_summary_);
  auto* grids = new QHBoxLayout;
  const char* names[2] = {"modelsGridA", "modelsGridB"};
  for (int i = 0; i < 2; ++i) {
    auto* side = new QVBoxLayout;
    grid_titles_[i] = wrapped();
    grid_titles_[i]->setObjectName(QString::fromLatin1(names[i]) + QStringLiteral("Title"));
    // Two lines for both titles: the two grids get areas of one size.
    grid_titles_[i]->setFixedHeight(2 * grid_titles_[i]->fontMetrics().lineSpacing() + 2);
    grid_titles_[i]->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    grid_scales_[i] = new ColorBar;
    grids_[i] = new GridView;
    grids_[i]->setObjectName(QString::fromLatin1(names[i]));
    grids_[i]->set_show_caption(false);  // the title says it
    auto* area = new QScrollArea;
    area->setWidget(grids_[i]);
    area->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    side->addWidget(grid_titles_[i]);
    side->addWidget(grid_scales_[i]);
    side->addWidget(area, 1);
    grids->addLayout(side, 1);
  }
  layout->addLayout(grids, 1);
  return box;
}

// The column gets its share of the width (within bounds), the heatmap the
// rest, until the user moves the splitter.
void ModelsPane::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  if (split_by_user_) return;
  const int total = split_->width();
  const int column = std::clamp(static_cast<int>(total * kColumnShare), kLeastColumn, kMostColumn);
  split_->setSizes({total - column, column});
}

void ModelsPane::set_second_model(const QString& name, const QString& tooltip) {
  second_->setText(name.isEmpty() ? tr("none: the open model is compared with itself") : name);
  second_->setToolTip(tooltip);
  close_second_->setEnabled(!name.isEmpty());
}

void ModelsPane::set_dataset(const QString& text, const QString& tooltip) {
  dataset_->setText(text);
  dataset_->setToolTip(tooltip);
}

int ModelsPane::limit() const { return limit_->value(); }

void ModelsPane::set_limit(int limit) { limit_->setValue(limit); }

void ModelsPane::show_running(const QString& what) {
  heatmap_->clear(what);
  heatmap_scale_->clear();  // no colours, no scale
  summary_->setText(what);
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  progress_->setVisible(true);
  progress_->setRange(0, 0);
  progress_text_->setText(what);
}

void ModelsPane::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_text_->setText(tr("Comparing image %1 of %2").arg(done).arg(total));
}

void ModelsPane::finish_run() {
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  progress_->setVisible(false);
  progress_text_->clear();
}

void ModelsPane::show_message(const QString& message) {
  finish_run();
  heatmap_->clear(message);
  heatmap_scale_->clear();
  summary_->setText(message);
}

void ModelsPane::show_heatmap(const QStringList& rows, const QStringList& columns, std::vector<double> values,
                              const QString& summary, const QString& row_axis, const QString& column_axis) {
  finish_run();
  heatmap_->set_values(rows, columns, std::move(values));
  heatmap_->set_axes(row_axis, column_axis);
  heatmap_scale_->set_scale(ColorScale{Colormap::kViridis, 0.0, 1.0,
                                       "CKA (linear, minibatch unbiased): 1 = the same representation up to "
                                       "rotation and scale"});
  summary_->setText(summary);
}

void ModelsPane::show_pair(const QString& summary, const QString& a_title, std::shared_ptr<const LayerView> a,
                           const QString& b_title, std::shared_ptr<const LayerView> b) {
  pair_summary_->setText(summary);
  const QString titles[2] = {a_title, b_title};
  const std::shared_ptr<const LayerView> views[2] = {std::move(a), std::move(b)};
  for (int i = 0; i < 2; ++i) {
    grid_titles_[i]->setText(titles[i]);
    grid_scales_[i]->set_scale(views[i]->scale);
    grids_[i]->set_view(views[i]);
  }
}

void ModelsPane::clear_pair(const QString& message) {
  pair_summary_->setText(message);
  for (int i = 0; i < 2; ++i) {
    grid_titles_[i]->setText(i == 0 ? tr("A") : tr("B"));
    grid_scales_[i]->clear();
    grids_[i]->clear(QString());
  }
}

}  // namespace actscope
