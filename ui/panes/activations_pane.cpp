#include "ui/panes/activations_pane.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"
#include "ui/widgets/labelled.h"
#include "ui/widgets/scrolled.h"

namespace actscope {

ActivationsPane::ActivationsPane(QWidget* parent)
    : QWidget(parent),
      grid_(new GridView),
      side_grid_(new GridView),
      side_box_(new QWidget),
      side_caption_(new QLabel),
      scale_(new ColorBar) {
  scale_->setObjectName(QStringLiteral("gridScale"));
  scale_->setMaximumWidth(420);
  grid_->setObjectName(QStringLiteral("activationGrid"));
  side_grid_->setObjectName(QStringLiteral("preActivationGrid"));
  auto* side_layout = new QVBoxLayout(side_box_);
  side_layout->setContentsMargins(0, 0, 0, 0);
  side_layout->addWidget(side_caption_);
  side_layout->addWidget(scrolled(side_grid_), 1);
  hide_side();
  auto* grids = new QSplitter(Qt::Horizontal);
  grids->addWidget(side_box_);
  // The grid's scale stays in sight above it however far the grid scrolls
  // (the grid also carries it under its tiles, as exported).
  auto* main_box = new QWidget;
  auto* main_layout = new QVBoxLayout(main_box);
  main_layout->setContentsMargins(0, 0, 0, 0);
  main_layout->addWidget(scale_);
  main_layout->addWidget(scrolled(grid_), 1);
  grids->addWidget(main_box);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(build_controls());
  layout->addWidget(grids, 1);

  connect(grid_, &GridView::hovered, this, [this](const QString& text) {
    if (!text.isEmpty()) Q_EMIT hovered(text);
  });
  connect(side_grid_, &GridView::hovered, this, [this](const QString& text) {
    if (!text.isEmpty()) Q_EMIT hovered(tr("before activation: ") + text);
  });
  connect(grid_, &GridView::unitHovered, this, &ActivationsPane::unitHovered);
  connect(side_grid_, &GridView::unitHovered, this, &ActivationsPane::unitHovered);
  // Zoomed by hand, the grid beside follows (they show one layer's geometry).
  connect(grid_, &GridView::zoomedByUser, this, &ActivationsPane::follow_main_grid);
  connect(grid_, &GridView::enlargeRequested, this, &ActivationsPane::enlargeRequested);
}

QWidget* ActivationsPane::build_controls() {
  normalization_ = new QComboBox;
  normalization_->setObjectName(QStringLiteral("normalization"));
  normalization_->setToolTip(tr("filter: each map on its own range; layer: one range for the layer (weak filters "
                                "look weak); signed: zero in the middle"));
  normalization_->addItems({QStringLiteral("filter"), QStringLiteral("layer"), QStringLiteral("signed")});
  colormap_ = new QComboBox;
  colormap_->setObjectName(QStringLiteral("colormap"));
  colormap_->setToolTip(tr("The colours of the maps; the bar under the grid gives their values"));
  colormap_->addItems({QStringLiteral("viridis"), QStringLiteral("gray"), QStringLiteral("inferno"),
                       QStringLiteral("magma"), QStringLiteral("jet"), QStringLiteral("turbo"),
                       QStringLiteral("coolwarm")});
  sort_by_mean_ = new QCheckBox(tr("Sort by mean"));
  sort_by_mean_->setObjectName(QStringLiteral("sortByMean"));
  sort_by_mean_->setToolTip(tr("Order the tiles by their mean activation, highest first"));
  sort_by_dataset_ = new QCheckBox(tr("Idle first"));
  sort_by_dataset_->setObjectName(QStringLiteral("sortByDataset"));
  sort_by_dataset_->setToolTip(tr("With a filter atlas (Filters tab): the filters dead on every image of the scanned "
                                  "dataset first (purple corner), then the rarely active ones (orange corner), "
                                  "then by how often they fire"));
  sort_by_dataset_->setEnabled(false);
  labels_ = new QCheckBox(tr("Numbers"));
  labels_->setObjectName(QStringLiteral("filterNumbers"));
  labels_->setToolTip(tr("Write each tile's filter number (a logit layer's class name) on it"));
  top_k_ = new QSpinBox;
  top_k_->setObjectName(QStringLiteral("topK"));
  top_k_->setRange(0, 4096);
  top_k_->setSpecialValueText(tr("all"));
  top_k_->setToolTip(tr("Show the K most active filters"));
  before_activation_ = new QCheckBox(tr("Before activation"));
  before_activation_->setObjectName(QStringLiteral("preActivation"));
  before_activation_->setToolTip(tr("Show the layer's values before its ReLU next to after it"));

  // Two rows, so the tab fits beside the docks on a laptop screen.
  auto* controls = new QWidget;
  auto* rows = new QVBoxLayout(controls);
  rows->setContentsMargins(4, 4, 4, 0);
  rows->setSpacing(2);
  auto* layout = new QHBoxLayout;
  layout->addWidget(labelled(tr("Normalization"), normalization_));
  layout->addWidget(labelled(tr("Colormap"), colormap_));
  layout->addWidget(labelled(tr("Top"), top_k_));
  layout->addStretch(1);
  auto* second = new QHBoxLayout;
  second->addWidget(sort_by_mean_);
  second->addWidget(sort_by_dataset_);
  second->addWidget(labels_);
  second->addWidget(before_activation_);
  second->addStretch(1);
  rows->addLayout(layout);
  rows->addLayout(second);

  for (QComboBox* combo : {normalization_, colormap_}) {
    connect(combo, &QComboBox::currentTextChanged, this, &ActivationsPane::emit_settings);
  }
  connect(sort_by_mean_, &QCheckBox::toggled, this, &ActivationsPane::emit_settings);
  connect(sort_by_dataset_, &QCheckBox::toggled, this, &ActivationsPane::emit_settings);
  connect(labels_, &QCheckBox::toggled, this, [this](bool show) {
    grid_->set_show_labels(show);
    side_grid_->set_show_labels(show);
  });
  connect(top_k_, qOverload<int>(&QSpinBox::valueChanged), this, &ActivationsPane::emit_settings);
  connect(before_activation_, &QCheckBox::toggled, this, &ActivationsPane::emit_settings);
  return controls;
}

void ActivationsPane::emit_settings() {
  GridSettings settings;
  settings.normalization = normalization_->currentText();
  settings.colormap = colormap_->currentText();
  settings.sort_by_mean = sort_by_mean_->isChecked();
  settings.sort_by_dataset = sort_by_dataset_->isChecked();
  settings.top_k = top_k_->value();
  settings.before_activation = before_activation_->isChecked();
  Q_EMIT settingsChanged(settings);
}

void ActivationsPane::restore(const QString& normalization, const QString& colormap) {
  if (colormap_->findText(colormap) >= 0) colormap_->setCurrentText(colormap);
  if (normalization_->findText(normalization) >= 0) normalization_->setCurrentText(normalization);
  emit_settings();
}

void ActivationsPane::show_grid(std::shared_ptr<const LayerView> view, const QStringList& names) {
  scale_->set_scale(view->scale);
  grid_->set_filter_names(names);
  grid_->set_view(std::move(view));
}

void ActivationsPane::show_message(const QString& message) {
  scale_->clear();
  grid_->clear(message);
}

void ActivationsPane::show_side(const QString& caption, std::shared_ptr<const LayerView> view) {
  side_caption_->setText(caption);
  side_box_->show();
  side_grid_->set_view(std::move(view));
}

void ActivationsPane::hide_side() {
  side_box_->hide();
  side_grid_->clear();
}

void ActivationsPane::set_pair_available(bool available) { before_activation_->setEnabled(available); }

void ActivationsPane::set_dataset_marks(const std::vector<DatasetMark>& marks) {
  sort_by_dataset_->setEnabled(!marks.empty());
  grid_->set_dataset_marks(marks);
}

void ActivationsPane::zoom_by(double factor) {
  grid_->set_zoom(grid_->zoom() * factor);
  follow_main_grid();
}

void ActivationsPane::fit_grids() {
  grid_->fit();
  follow_main_grid();
}

void ActivationsPane::actual_size() {
  grid_->set_zoom(1.0);
  follow_main_grid();
}

void ActivationsPane::follow_main_grid() {
  if (grid_->fits()) {
    side_grid_->fit();
  } else {
    side_grid_->set_zoom(grid_->zoom());
  }
}

void ActivationsPane::focus_grid() { grid_->setFocus(); }

void ActivationsPane::enlarge_selected() {
  if (grid_->selected_filter() >= 0) Q_EMIT enlargeRequested(grid_->selected_filter());
}

}  // namespace actscope
