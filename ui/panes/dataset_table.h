// The rows of the dataset panel: one per image with its true class,
// predicted class and confidence (DatasetTableModel), and the filter the
// panel applies to them (DatasetFilter: misclassified only, by true or by
// predicted class; sorting by any column, confidence numerically).
#pragma once

#include <memory>
#include <vector>

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStringList>

#include "core/data/dataset.h"

namespace actscope {

class DatasetTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kIndex, kImage, kTrue, kPredicted, kConfidence, kColumnCount };
  // The role that sorts a column (numbers for numbers), and the role that
  // gives a row's image index in the dataset.
  static constexpr int kSortRole = Qt::UserRole;
  static constexpr int kImageIndexRole = Qt::UserRole + 1;

  using QAbstractTableModel::QAbstractTableModel;

  // Shows `predictions` of `dataset` (one per image, in order); `labels`
  // names the classes.
  void set_predictions(std::shared_ptr<const Dataset> dataset, std::vector<DatasetPrediction> predictions,
                       QStringList labels);
  const std::vector<DatasetPrediction>& predictions() const { return predictions_; }
  QString label(int class_index) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<DatasetPrediction> predictions_;
  QStringList labels_;
};

class DatasetFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit DatasetFilter(QObject* parent = nullptr);

  // -1 means any class.
  void set_filter(bool misclassified_only, int true_class, int predicted_class);

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

 private:
  bool misclassified_only_ = false;
  int true_class_ = -1;
  int predicted_class_ = -1;
};

}  // namespace actscope
