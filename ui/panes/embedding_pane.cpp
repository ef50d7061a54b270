#include "ui/panes/embedding_pane.h"

#include <algorithm>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QListWidgetItem>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/embed/embedding_plot.h"
#include "ui/widgets/scatter_view.h"

namespace actscope {
namespace {

constexpr int kColumnWidth = 230;

QColor qcolour(const std::array<uint8_t, 3>& c) { return QColor(c[0], c[1], c[2]); }

}  // namespace

EmbeddingPane::EmbeddingPane(QWidget* parent) : QWidget(parent), view_(new ScatterView) {
  view_->setObjectName(QStringLiteral("embeddingPlot"));
  title_ = new QLabel(tr("Choose a dataset and run: each point is an image, placed by the layer's features."));
  title_->setObjectName(QStringLiteral("embeddingTitle"));
  title_->setWordWrap(true);
  auto* hint = new QLabel(tr("Click a point: open its image (double-click: and its activations) · drag: select · "
                             "wheel: zoom · right-drag: pan · double-click empty space: fit"));
  hint->setWordWrap(true);
  hint->setEnabled(false);
  auto* plot = new QVBoxLayout;
  plot->setContentsMargins(0, 0, 0, 0);
  plot->addWidget(title_);
  plot->addWidget(view_, 1);
  plot->addWidget(hint);
  auto* column = new QVBoxLayout;
  column->setContentsMargins(0, 0, 0, 0);
  column->addWidget(build_controls());
  column->addWidget(build_selection(), 1);
  auto* side = new QWidget;
  side->setLayout(column);
  side->setFixedWidth(kColumnWidth);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(plot, 1);
  layout->addWidget(side);
  connect(view_, &ScatterView::pointHovered, this, &EmbeddingPane::pointHovered);
  connect(view_, &ScatterView::pointClicked, this, [this](int index) { Q_EMIT imageRequested(index, false); });
  connect(view_, &ScatterView::pointDoubleClicked, this, [this](int index) { Q_EMIT imageRequested(index, true); });
  connect(view_, &ScatterView::selectionMade, this, &EmbeddingPane::list_selection);
}

QWidget* EmbeddingPane::build_controls() {
  auto* box = new QWidget;
  auto* form = new QFormLayout(box);
  form->setContentsMargins(0, 0, 0, 0);
  dataset_label_ = new QLabel(tr("none"));
  dataset_label_->setObjectName(QStringLiteral("embeddingDataset"));
  dataset_label_->setWordWrap(true);
  auto* choose = new QPushButton(tr("Choose Dataset..."));
  choose->setToolTip(tr("A folder of class folders, of images, or with an IDX pair (Fashion-MNIST's)"));
  connect(choose, &QPushButton::clicked, this, &EmbeddingPane::chooseDatasetRequested);
  form->addRow(tr("Dataset"), dataset_label_);
  form->addRow(choose);
  layer_ = new QComboBox;
  layer_->setObjectName(QStringLiteral("embeddingLayer"));
  layer_->setToolTip(tr("The layer whose features place the images (a layer with maps: each map's mean)"));
  form->addRow(tr("Layer"), layer_);
  method_ = new QComboBox;
  method_->setObjectName(QStringLiteral("embeddingMethod"));
  method_->addItem(tr("t-SNE"), QStringLiteral("tsne"));
  method_->addItem(tr("PCA"), QStringLiteral("pca"));
  method_->setToolTip(tr("t-SNE keeps neighbours together (clusters); PCA keeps the largest variance (distances). "
                         "PCA is shown first either way"));
  form->addRow(tr("Method"), method_);
  perplexity_ = new QDoubleSpinBox;
  perplexity_->setRange(2, 200);
  perplexity_->setValue(30);
  perplexity_->setToolTip(tr("t-SNE: about how many neighbours each image keeps close"));
  form->addRow(tr("Perplexity"), perplexity_);
  limit_ = new QSpinBox;
  limit_->setObjectName(QStringLiteral("embeddingLimit"));
  limit_->setRange(0, 10000000);
  limit_->setSpecialValueText(tr("all"));
  limit_->setToolTip(tr("Only the first images of the dataset"));
  form->addRow(tr("Images"), limit_);
  run_ = new QPushButton(tr("Run"));
  run_->setObjectName(QStringLiteral("embeddingRun"));
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setEnabled(false);
  run_->setToolTip(tr("Read the dataset through the model and lay its images out (kept in the cache)"));
  cancel_->setToolTip(tr("Stop the run"));
  connect(run_, &QPushButton::clicked, this, &EmbeddingPane::runRequested);
  connect(cancel_, &QPushButton::clicked, this, &EmbeddingPane::cancelRequested);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  form->addRow(buttons);
  progress_ = new QProgressBar;
  progress_->setVisible(false);
  progress_text_ = new QLabel;
  progress_text_->setWordWrap(true);
  form->addRow(progress_);
  form->addRow(progress_text_);
  colour_by_ = new QComboBox;
  colour_by_->setObjectName(QStringLiteral("embeddingColourBy"));
  colour_by_->addItems({tr("True class"), tr("Predicted class"), tr("Right or wrong")});
  colour_by_->setToolTip(tr("What the points' colours say; misclassified images are crosses either way"));
  connect(colour_by_, qOverload<int>(&QComboBox::currentIndexChanged), this, &EmbeddingPane::recolour);
  form->addRow(tr("Colour by"), colour_by_);
  export_ = new QPushButton(tr("Export Plot as PNG..."));
  export_->setObjectName(QStringLiteral("embeddingExport"));
  export_->setEnabled(false);
  export_->setToolTip(tr("The whole plot with its legend and title, as actscope-cli embed draws it"));
  connect(export_, &QPushButton::clicked, this, &EmbeddingPane::exportRequested);
  form->addRow(export_);
  return box;
}

QWidget* EmbeddingPane::build_selection() {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 6, 0, 0);
  selection_title_ = new QLabel(tr("Drag over points to list their images."));
  selection_title_->setWordWrap(true);
  selection_list_ = new QListWidget;
  selection_list_->setObjectName(QStringLiteral("embeddingSelection"));
  selection_list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // long names elide instead
  selection_list_->setTextElideMode(Qt::ElideRight);
  compare_ = new QPushButton(tr("Compare with Nearest Correct"));
  compare_->setObjectName(QStringLiteral("embeddingCompare"));
  compare_->setToolTip(tr("A wrong image beside the correctly classified image of its true class nearest to it "
                          "in this layer's features"));
  compare_->setEnabled(false);
  layout->addWidget(selection_title_);
  layout->addWidget(selection_list_, 1);
  layout->addWidget(compare_);
  connect(selection_list_, &QListWidget::currentRowChanged, this, [this](int row) {
    const int index = row >= 0 && row < static_cast<int>(selection_.size()) ? selection_[static_cast<size_t>(row)] : -1;
    compare_->setEnabled(index >= 0 && wrong(index));
  });
  connect(selection_list_, &QListWidget::itemActivated, this, [this] {
    const int row = selection_list_->currentRow();
    if (row >= 0 && row < static_cast<int>(selection_.size())) Q_EMIT imageRequested(selection_[static_cast<size_t>(row)], false);
  });
  connect(compare_, &QPushButton::clicked, this, [this] {
    const int row = selection_list_->currentRow();
    if (row >= 0 && row < static_cast<int>(selection_.size())) Q_EMIT compareRequested(selection_[static_cast<size_t>(row)]);
  });
  return box;
}

void EmbeddingPane::set_layers(const QStringList& layers, const QString& penultimate) {
  layer_->clear();
  if (!penultimate.isEmpty() && !layers.contains(penultimate)) {
    layer_->addItem(tr("%1 (penultimate)").arg(penultimate), penultimate);
  }
  for (const QString& name : layers) {
    layer_->addItem(name == penultimate ? tr("%1 (penultimate)").arg(name) : name, name);
  }
  layer_->setCurrentIndex(std::max(0, layer_->findData(penultimate)));
}

void EmbeddingPane::set_dataset(const QString& path) {
  dataset_path_ = path;
  const QString shown = QFileInfo(path).fileName().isEmpty() ? path : QFileInfo(path).fileName();
  dataset_label_->setText(shown.isEmpty() ? tr("none") : shown);
  dataset_label_->setToolTip(path);
}

EmbeddingSettings EmbeddingPane::settings() const {
  EmbeddingSettings settings;
  settings.layer = layer_->currentData().toString();
  settings.method = method_->currentData().toString();
  settings.perplexity = perplexity_->value();
  settings.limit = limit_->value();
  return settings;
}

void EmbeddingPane::show_running(const QString& what) {
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  progress_->setVisible(true);
  progress_->setRange(0, 0);
  progress_text_->setText(what);
}

void EmbeddingPane::show_progress(const QString& what, size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_text_->setText(tr("%1 %2 of %3").arg(what).arg(done).arg(total));
}

void EmbeddingPane::show_message(const QString& message) {
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  progress_->setVisible(false);
  progress_text_->setText(message);
}

void EmbeddingPane::show_images(std::shared_ptr<const Features> features, std::vector<std::string> labels) {
  features_ = std::move(features);
  labels_ = std::move(labels);
  layout_.clear();
  selection_.clear();
  selection_list_->clear();
  selection_title_->setText(tr("Drag over points to list their images."));
  compare_->setEnabled(false);
}

void EmbeddingPane::show_layout(std::vector<float> layout, const QString& title, bool final) {
  layout_ = std::move(layout);
  title_->setText(title);
  export_->setEnabled(!layout_.empty());
  if (final) show_message(QString());
  recolour();
}

void EmbeddingPane::show_hover(int index, const QImage& picture, const QString& text) {
  view_->set_hover_card(index, picture, text);
}

QString EmbeddingPane::label(int cls) const {
  if (cls < 0) return tr("unknown");
  if (cls < static_cast<int>(labels_.size())) return QString::fromStdString(labels_[static_cast<size_t>(cls)]);
  return tr("class %1").arg(cls);
}

bool EmbeddingPane::wrong(int index) const { return features_ && features_->misclassified(index); }

QString EmbeddingPane::describe(int index) const {
  if (!features_ || index < 0 || index >= features_->rows) return QString();
  const auto i = static_cast<size_t>(index);
  QString text = QString::fromStdString(features_->names[i]) + QStringLiteral("\n") +
                 tr("true: %1").arg(label(features_->true_classes[i]));
  if (features_->predicted[i] >= 0) {
    text += QStringLiteral("\n") + tr("predicted: %1 (%2%)")
                                      .arg(label(features_->predicted[i]))
                                      .arg(100.0 * features_->confidence[i], 0, 'f', 1);
  }
  return text;
}

// Each point's colour from the chosen key, the legend to match, wrong images as crosses.
void EmbeddingPane::recolour() {
  const size_t count = layout_.size() / 2;
  const size_t known = features_ ? std::min(count, static_cast<size_t>(features_->rows)) : 0;
  int classes = static_cast<int>(labels_.size());
  for (size_t i = 0; i < known; ++i) {
    classes = std::max({classes, features_->true_classes[i] + 1, features_->predicted[i] + 1});
  }
  const auto by = static_cast<ColourBy>(colour_by_->currentIndex());
  std::vector<QColor> colours(count);
  std::vector<bool> marked(count);
  const QColor right(44, 160, 44), wrong_colour(214, 39, 40);
  for (size_t i = 0; i < count; ++i) {
    const int truth = i < known ? features_->true_classes[i] : -1;
    const int predicted = i < known ? features_->predicted[i] : -1;
    marked[i] = wrong(static_cast<int>(i));
    if (by == kCorrectness) colours[i] = marked[i] ? wrong_colour : right;
    else colours[i] = qcolour(class_colour(by == kTrueClass ? truth : predicted, classes));
  }
  std::vector<QString> names;
  std::vector<QColor> legend;
  if (by == kCorrectness) {
    names = {tr("right"), tr("wrong")};
    legend = {right, wrong_colour};
  } else {
    for (int c = 0; c < classes; ++c) {
      names.push_back(label(c));
      legend.push_back(qcolour(class_colour(c, classes)));
    }
  }
  const bool any_wrong = std::find(marked.begin(), marked.end(), true) != marked.end();
  view_->set_legend(std::move(names), std::move(legend), any_wrong ? tr("misclassified") : QString());
  view_->set_points(layout_, std::move(colours), std::move(marked));
}

void EmbeddingPane::list_selection(const std::vector<int>& indices) {
  // The wrong images first: they are what a selection is usually made for.
  selection_ = indices;
  std::stable_partition(selection_.begin(), selection_.end(), [this](int index) { return wrong(index); });
  selection_list_->clear();
  int wrong_count = 0;
  for (int index : selection_) {
    const auto i = static_cast<size_t>(index);
    const bool is_wrong = wrong(index);
    wrong_count += is_wrong;
    QString text = QString::fromStdString(features_->names[i]) + QStringLiteral("  ") + label(features_->true_classes[i]);
    if (is_wrong) text += QStringLiteral(" \u2192 ") + label(features_->predicted[i]);
    auto* item = new QListWidgetItem(text, selection_list_);
    item->setToolTip(describe(index));
    if (is_wrong) item->setForeground(QColor(180, 20, 20));
  }
  selection_title_->setText(tr("%1 images selected, %2 wrong (listed first, red: true \u2192 predicted)")
                                .arg(selection_.size())
                                .arg(wrong_count));
}

}  // namespace actscope
