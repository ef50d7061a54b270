#include "ui/panes/dataset_table.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>

namespace actscope {

void DatasetTableModel::set_predictions(std::shared_ptr<const Dataset> dataset,
                                        std::vector<DatasetPrediction> predictions, QStringList labels) {
  beginResetModel();
  dataset_ = std::move(dataset);
  predictions_ = std::move(predictions);
  labels_ = std::move(labels);
  endResetModel();
}

QString DatasetTableModel::label(int class_index) const {
  if (class_index >= 0 && class_index < labels_.size()) return labels_[class_index];
  return QString::number(class_index);
}

int DatasetTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(predictions_.size());
}

int DatasetTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant DatasetTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const int row = index.row();
  const DatasetPrediction& prediction = predictions_[row];
  const bool wrong = prediction.predicted_class != prediction.true_class;
  if (role == kImageIndexRole) return row;
  if (role == Qt::ForegroundRole) {
    if (prediction.unreadable()) return QBrush(QColor(128, 128, 128));
    return wrong ? QBrush(QColor(200, 40, 40)) : QVariant();
  }
  if (role == Qt::ToolTipRole && prediction.unreadable()) {
    return tr("skipped: %1").arg(QString::fromStdString(prediction.error));
  }
  if (role == Qt::ToolTipRole && dataset_) {
    return tr("%1\nimage %2 of %3").arg(QString::fromStdString(dataset_->images[row].name)).arg(row).arg(
        QString::fromStdString(dataset_->source));
  }
  if (role != Qt::DisplayRole && role != kSortRole) return {};
  const bool sorting = role == kSortRole;
  switch (index.column()) {
    case kIndex:
      return row;
    case kImage: {
      const QString name = dataset_ ? QString::fromStdString(dataset_->images[row].name) : QString();
      return QFileInfo(name).fileName();
    }
    case kTrue:
      return sorting ? QVariant(prediction.true_class) : QVariant(label(prediction.true_class));
    case kPredicted:
      if (prediction.unreadable() && !sorting) return tr("unreadable");  // the tooltip says why
      return sorting ? QVariant(prediction.predicted_class) : QVariant(label(prediction.predicted_class));
    case kConfidence:
      if (prediction.unreadable() && !sorting) return QString();
      return sorting ? QVariant(prediction.confidence)
                     : QVariant(QStringLiteral("%1%").arg(prediction.confidence * 100.0, 0, 'f', 1));
  }
  return {};
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kIndex:
      return tr("#");
    case kImage:
      return tr("Image");
    case kTrue:
      return tr("True");
    case kPredicted:
      return tr("Predicted");
    case kConfidence:
      return tr("Confidence");
  }
  return {};
}

DatasetFilter::DatasetFilter(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(DatasetTableModel::kSortRole);
}

void DatasetFilter::set_filter(bool misclassified_only, int true_class, int predicted_class) {
  misclassified_only_ = misclassified_only;
  true_class_ = true_class;
  predicted_class_ = predicted_class;
  invalidateFilter();
}

bool DatasetFilter::filterAcceptsRow(int source_row, const QModelIndex& /*source_parent*/) const {
  const auto* table = static_cast<const DatasetTableModel*>(sourceModel());
  const DatasetPrediction& prediction = table->predictions()[source_row];
  if (misclassified_only_ && !misclassified(prediction)) return false;
  if (true_class_ >= 0 && prediction.true_class != true_class_) return false;
  if (predicted_class_ >= 0 && prediction.predicted_class != predicted_class_) return false;
  return true;
}

}  // namespace actscope
