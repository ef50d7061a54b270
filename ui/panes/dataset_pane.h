// DatasetPane: a whole labelled image set and what the model predicts for
// it. Lists each image with its true class, predicted class and confidence;
// filters to misclassified images, by true or by predicted class; sorts by any
// column; shows the confusion matrix (clicking a cell filters the list to it).
// It only displays and asks: the dataset controller runs the predictions
// on the worker and hands them in.
#pragma once

#include <memory>
#include <vector>

#include <QWidget>

#include "core/data/dataset.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLayout;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;

namespace actscope {

class DatasetFilter;
class DatasetTableModel;

class DatasetPane : public QWidget {
  Q_OBJECT

 public:
  explicit DatasetPane(QWidget* parent = nullptr);

  // The classes of the open model; clears any dataset shown.
  void set_labels(const QStringList& labels);
  // Asks for a folder of class folders (or one holding an IDX pair), or for
  // an IDX images file, and emits openRequested.
  void choose_folder();
  void choose_idx_file();

  void show_running(const QString& source);
  void show_progress(size_t done, size_t total);
  void show_predictions(std::shared_ptr<const Dataset> dataset, std::vector<DatasetPrediction> predictions);
  void show_error(const QString& message);

  // -1 means any class. Updates the controls and the list.
  void set_filter(bool misclassified_only, int true_class, int predicted_class);
  int visible_count() const;
  int image_at(int visible_row) const;  // the dataset index of a listed row, -1 for none

  QTableView* table() const { return table_; }
  QTableWidget* confusion() const { return confusion_; }

 Q_SIGNALS:
  // The user selected dataset image `index` (a single click or the arrow keys).
  void imageSelected(int index);
  void openRequested(const QString& path);
  void cancelRequested();
  // Compare dataset image `index` (as A) with its proposed partner (as B).
  void compareRequested(int index);

 private:
  void name_widgets();
  void configure_table();
  QLayout* build_top_row();
  QWidget* build_confusion_box();
  QLayout* build_filter_row();
  void fill_confusion_matrix();
  void fill_class_filters(int classes);
  void apply_controls();
  void emit_compare_for_current();

  DatasetTableModel* model_;
  DatasetFilter* filter_;
  QLabel* summary_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QCheckBox* misclassified_;
  QComboBox* true_class_;
  QComboBox* predicted_class_;
  QPushButton* compare_;
  QTableView* table_;
  QTableWidget* confusion_;
  QStringList labels_;
};

}  // namespace actscope
