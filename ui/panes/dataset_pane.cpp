#include "ui/panes/dataset_pane.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QItemSelectionModel>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/panes/dataset_table.h"
#include "ui/widgets/rotated_header.h"
#include "ui/widgets/labelled.h"

namespace actscope {
namespace {

const QString kFolderSetting = QStringLiteral("folders/dataset");

void fill_class_combo(QComboBox* combo, const QStringList& labels) {
  const QSignalBlocker block(combo);
  combo->clear();
  combo->addItem(QObject::tr("any"), -1);
  for (int i = 0; i < labels.size(); ++i) combo->addItem(labels[i], i);
}

void select_data(QComboBox* combo, int value) {
  const QSignalBlocker block(combo);
  const int row = combo->findData(value);
  combo->setCurrentIndex(row >= 0 ? row : 0);
}

// A cell of the confusion matrix: `count` images, `share` of their true
// class, shaded green on the diagonal and red off it.
QTableWidgetItem* confusion_cell(int count, double share, bool diagonal) {
  auto* cell = new QTableWidgetItem(QString::number(count));
  cell->setTextAlignment(Qt::AlignCenter);
  const int strength = static_cast<int>(std::min(1.0, diagonal ? share : share * 4.0) * 160.0);
  cell->setBackground(diagonal ? QColor(255 - strength, 255, 255 - strength)
                               : QColor(255, 255 - strength, 255 - strength));
  cell->setForeground(QColor(20, 20, 20));
  return cell;
}

}  // namespace

DatasetPane::DatasetPane(QWidget* parent)
    : QWidget(parent),
      model_(new DatasetTableModel(this)),
      filter_(new DatasetFilter(this)),
      summary_(new QLabel),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      misclassified_(new QCheckBox(tr("Misclassified only"))),
      true_class_(new QComboBox),
      predicted_class_(new QComboBox),
      compare_(new QPushButton(tr("Compare with nearest correct"))),
      table_(new QTableView),
      confusion_(new QTableWidget) {
  name_widgets();
  configure_table();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(build_top_row());
  layout->addWidget(summary_);
  layout->addLayout(build_filter_row());
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(table_);
  split->addWidget(build_confusion_box());
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);

  connect(cancel_, &QPushButton::clicked, this, &DatasetPane::cancelRequested);
  connect(confusion_, &QTableWidget::cellClicked, this,
          [this](int true_class, int predicted_class) { set_filter(false, true_class, predicted_class); });
  connect(table_, &QTableView::doubleClicked, this, &DatasetPane::emit_compare_for_current);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (current.isValid()) Q_EMIT imageSelected(image_at(current.row()));
  });
  connect(compare_, &QPushButton::clicked, this, &DatasetPane::emit_compare_for_current);
  set_labels({});
}

void DatasetPane::name_widgets() {
  summary_->setObjectName(QStringLiteral("datasetSummary"));
  summary_->setWordWrap(true);
  progress_->setObjectName(QStringLiteral("datasetProgress"));
  progress_->setVisible(false);
  cancel_->setObjectName(QStringLiteral("datasetCancel"));
  cancel_->setVisible(false);
  misclassified_->setObjectName(QStringLiteral("datasetMisclassified"));
  misclassified_->setToolTip(tr("List only the images the model gets wrong"));
  true_class_->setToolTip(tr("List only images of this true class"));
  predicted_class_->setToolTip(tr("List only images predicted as this class"));
  cancel_->setToolTip(tr("Stop predicting the dataset"));
  true_class_->setObjectName(QStringLiteral("datasetTrueClass"));
  predicted_class_->setObjectName(QStringLiteral("datasetPredictedClass"));
  compare_->setObjectName(QStringLiteral("datasetCompare"));
  compare_->setToolTip(
      tr("Compare the selected image (A) with the correctly classified image of its true class nearest to it "
         "in the penultimate layer (B); double-clicking a row does the same"));
  table_->setObjectName(QStringLiteral("datasetTable"));
  confusion_->setObjectName(QStringLiteral("confusionMatrix"));
  confusion_->setToolTip(tr("Rows: true class, columns: predicted class. Click a cell to list its images."));
}

void DatasetPane::configure_table() {
  filter_->setSourceModel(model_);
  table_->setModel(filter_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(DatasetTableModel::kIndex, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  table_->horizontalHeader()->setMinimumSectionSize(40);
  table_->setToolTip(tr("Click an image to see it and its prediction; double-click to compare it with the nearest "
                        "correct one. Click a column header to sort."));
  confusion_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  confusion_->setSelectionMode(QAbstractItemView::SingleSelection);
  confusion_->setHorizontalHeader(new RotatedHeader(confusion_));
}

// The confusion matrix under its axis titles: rows are the true class,
// columns the predicted class.
QWidget* DatasetPane::build_confusion_box() {
  auto* box = new QWidget;
  auto* grid = new QGridLayout(box);
  grid->setContentsMargins(0, 0, 0, 0);
  auto* columns = new QLabel(tr("<b>predicted class</b> (columns) &rarr;"));
  columns->setObjectName(QStringLiteral("confusionColumnsTitle"));
  columns->setAlignment(Qt::AlignCenter);
  auto* rows = new QLabel(tr("<b>true<br>class</b><br>(rows)<br>&darr;"));
  rows->setObjectName(QStringLiteral("confusionRowsTitle"));
  rows->setAlignment(Qt::AlignCenter);
  grid->addWidget(columns, 0, 1);
  grid->addWidget(rows, 1, 0);
  grid->addWidget(confusion_, 1, 1);
  grid->setColumnStretch(1, 1);
  grid->setRowStretch(1, 1);
  return box;
}

// Opening a folder or an IDX file, and the progress of the predictions.
QLayout* DatasetPane::build_top_row() {
  auto* open_folder = new QPushButton(tr("Open Folder..."));
  open_folder->setObjectName(QStringLiteral("datasetOpenFolder"));
  open_folder->setToolTip(tr("A folder with one sub-folder per class, named like the model's labels"));
  auto* open_idx = new QPushButton(tr("Open IDX File..."));
  open_idx->setObjectName(QStringLiteral("datasetOpenIdx"));
  open_idx->setToolTip(tr("An IDX images file (*-images-idx3-ubyte[.gz]) with its labels file beside it"));
  connect(open_folder, &QPushButton::clicked, this, &DatasetPane::choose_folder);
  connect(open_idx, &QPushButton::clicked, this, &DatasetPane::choose_idx_file);
  auto* top = new QHBoxLayout;
  top->addWidget(open_folder);
  top->addWidget(open_idx);
  top->addWidget(progress_, 1);
  top->addWidget(cancel_);
  return top;
}

// The list's filters and the compare button.
QLayout* DatasetPane::build_filter_row() {
  auto* show_all = new QPushButton(tr("Show All"));
  show_all->setObjectName(QStringLiteral("datasetShowAll"));
  show_all->setToolTip(tr("List every image again"));
  connect(show_all, &QPushButton::clicked, this, [this] { set_filter(false, -1, -1); });
  connect(misclassified_, &QCheckBox::toggled, this, &DatasetPane::apply_controls);
  for (QComboBox* combo : {true_class_, predicted_class_}) {
    connect(combo, qOverload<int>(&QComboBox::currentIndexChanged), this, &DatasetPane::apply_controls);
  }
  auto* filters = new QHBoxLayout;
  filters->addWidget(misclassified_);
  filters->addWidget(labelled(tr("True"), true_class_));
  filters->addWidget(labelled(tr("Predicted"), predicted_class_));
  filters->addWidget(show_all);
  filters->addStretch(1);
  filters->addWidget(compare_);
  return filters;
}

void DatasetPane::set_labels(const QStringList& labels) {
  labels_ = labels;
  model_->set_predictions(nullptr, {}, labels);
  fill_class_combo(true_class_, labels);
  fill_class_combo(predicted_class_, labels);
  confusion_->clear();
  confusion_->setRowCount(0);
  confusion_->setColumnCount(0);
  progress_->setVisible(false);
  cancel_->setVisible(false);
  compare_->setEnabled(false);
  summary_->setText(
      tr("Open a folder with one sub-folder per class, or an IDX image/label pair such as "
         "/usr/share/datasets/fashion-mnist, to predict every image."));
}

void DatasetPane::choose_folder() {
  QSettings settings;
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Open dataset folder"),
                                                           settings.value(kFolderSetting).toString());
  if (folder.isEmpty()) return;
  settings.setValue(kFolderSetting, folder);
  Q_EMIT openRequested(folder);
}

void DatasetPane::choose_idx_file() {
  QSettings settings;
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open IDX images file"), settings.value(kFolderSetting).toString(),
      tr("IDX images (*-images-idx3-ubyte *-images-idx3-ubyte.gz);;All files (*)"));
  if (path.isEmpty()) return;
  settings.setValue(kFolderSetting, QFileInfo(path).absolutePath());
  Q_EMIT openRequested(path);
}

void DatasetPane::show_running(const QString& source) {
  summary_->setText(tr("Predicting %1...").arg(source));
  progress_->setRange(0, 0);  // busy until the first batch reports
  progress_->setVisible(true);
  cancel_->setVisible(true);
  cancel_->setEnabled(true);
}

void DatasetPane::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
}

void DatasetPane::show_predictions(std::shared_ptr<const Dataset> dataset,
                                   std::vector<DatasetPrediction> predictions) {
  progress_->setVisible(false);
  cancel_->setVisible(false);
  const double correct = accuracy(predictions);
  const int unreadable = static_cast<int>(count_unreadable(predictions));
  const int wrong = static_cast<int>(predictions.size() - count_correct(predictions)) - unreadable;
  const QString source = QString::fromStdString(dataset->source);
  const int count = static_cast<int>(predictions.size());
  model_->set_predictions(std::move(dataset), std::move(predictions), labels_);
  fill_confusion_matrix();  // also names every class in the filters
  set_filter(false, -1, -1);
  table_->resizeColumnsToContents();
  compare_->setEnabled(count > 0);
  QString text = tr("%1: %2 images, accuracy %3% (%4 misclassified)")
                     .arg(source)
                     .arg(count)
                     .arg(correct * 100.0, 0, 'f', 2)
                     .arg(wrong);
  if (unreadable > 0) text += tr("; %n unreadable, skipped (shown gray)", nullptr, unreadable);
  summary_->setText(text);
}

void DatasetPane::show_error(const QString& message) {
  progress_->setVisible(false);
  cancel_->setVisible(false);
  summary_->setText(message);
}

void DatasetPane::fill_confusion_matrix() {
  int classes = static_cast<int>(labels_.size());
  for (const auto& prediction : model_->predictions()) {  // a card without labels
    classes = std::max({classes, prediction.true_class + 1, prediction.predicted_class + 1});
  }
  confusion_->clear();
  confusion_->setRowCount(classes);
  confusion_->setColumnCount(classes);
  QStringList rows, columns;
  for (int i = 0; i < classes; ++i) {
    rows << QStringLiteral("%1 %2").arg(i).arg(model_->label(i));
    columns << QStringLiteral("%1 %2").arg(i).arg(model_->label(i));
  }
  confusion_->setVerticalHeaderLabels(rows);
  confusion_->setHorizontalHeaderLabels(columns);  // read bottom to top: a column stays as narrow as its counts
  for (int i = 0; i < classes; ++i) {
    confusion_->horizontalHeaderItem(i)->setToolTip(tr("predicted %1 %2").arg(i).arg(model_->label(i)));
    confusion_->verticalHeaderItem(i)->setToolTip(tr("true %1 %2").arg(i).arg(model_->label(i)));
  }
  fill_class_filters(classes);
  std::vector<int> counts(static_cast<size_t>(classes) * classes, 0);
  std::vector<int> per_true(classes, 0);
  for (const auto& prediction : model_->predictions()) {
    if (prediction.true_class < 0 || prediction.true_class >= classes || prediction.predicted_class < 0 ||
        prediction.predicted_class >= classes)
      continue;
    ++counts[prediction.true_class * classes + prediction.predicted_class];
    ++per_true[prediction.true_class];
  }
  for (int t = 0; t < classes; ++t) {
    for (int p = 0; p < classes; ++p) {
      const int count = counts[t * classes + p];
      const double share = per_true[t] ? static_cast<double>(count) / per_true[t] : 0.0;
      QTableWidgetItem* cell = confusion_cell(count, share, t == p);
      cell->setToolTip(
          tr("true %1, predicted %2: %3 images").arg(model_->label(t), model_->label(p)).arg(count));
      confusion_->setItem(t, p, cell);
    }
  }
  confusion_->resizeColumnsToContents();
}

// The filters offer every class in the matrix (a card without labels names
// them by number).
void DatasetPane::fill_class_filters(int classes) {
  QStringList names;
  for (int i = 0; i < classes; ++i) names << model_->label(i);
  fill_class_combo(true_class_, names);
  fill_class_combo(predicted_class_, names);
}

void DatasetPane::set_filter(bool misclassified_only, int true_class, int predicted_class) {
  {
    const QSignalBlocker block(misclassified_);
    misclassified_->setChecked(misclassified_only);
  }
  select_data(true_class_, true_class);
  select_data(predicted_class_, predicted_class);
  filter_->set_filter(misclassified_only, true_class, predicted_class);
}

void DatasetPane::apply_controls() {
  filter_->set_filter(misclassified_->isChecked(), true_class_->currentData().toInt(),
                      predicted_class_->currentData().toInt());
}

int DatasetPane::visible_count() const { return filter_->rowCount(); }

int DatasetPane::image_at(int visible_row) const {
  const QVariant index = filter_->index(visible_row, 0).data(DatasetTableModel::kImageIndexRole);
  return index.isValid() ? index.toInt() : -1;
}

void DatasetPane::emit_compare_for_current() {
  const QModelIndex current = table_->currentIndex();
  if (!current.isValid()) return;
  Q_EMIT compareRequested(image_at(current.row()));
}

}  // namespace actscope
