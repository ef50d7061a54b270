// FaithfulnessPane: the faithfulness part of the All Methods view. A table
// of every measured method (the random baseline last) against the seven
// metrics, the best value of each column marked (bold, with a star), and the
// deletion curve of the selected row's method beside the random baseline's
// (in a tab of its own when the window is too narrow for both).
// It shows one of two results, chosen in a list: "this image" or the means
// (and spreads) over a dataset; "Over the dataset..." and Cancel are its
// intents. It only displays and asks. GUI thread.
#pragma once

#include <vector>

#include <QString>
#include <QWidget>

#include "core/faithfulness/faithfulness_plot.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QPushButton;
class QTableWidget;

namespace actscope {

class CurvePlot;

// One result as the pane shows it.
struct FaithfulnessShown {
  QString caption;                         // what was measured: "this image: ...", "over N images of ..."
  std::vector<FaithfulnessSeries> series;  // a row each; spreads empty for one image
  std::vector<double> curve_x;
  FaithfulnessScore score = FaithfulnessScore::kProbability;
};

class FaithfulnessPane : public QWidget {
  Q_OBJECT

 public:
  // Which of the two results.
  enum class Scope { kImage = 0, kDataset = 1 };

  explicit FaithfulnessPane(QWidget* parent = nullptr);

  // Measuring `scope`: the progress bar and Cancel show, `what` above the table.
  void show_running(Scope scope, const QString& what);
  void show_progress(const QString& what, size_t done, size_t total);
  // A result, shown at once (and kept until cleared).
  void show_result(Scope scope, FaithfulnessShown shown);
  // The run of `scope` ended without a result (an error, "Cancelled.").
  void show_message(Scope scope, const QString& message);
  // Forgets the result of `scope` (it no longer matches the image, class or
  // layer); `why` shows while nothing else does.
  void clear(Scope scope, const QString& why);
  QSize sizeHint() const override;
  // "Over the dataset..." usable or not, and why (its tooltip).
  void set_dataset_available(bool available, const QString& tooltip);

  // The result shown, or null.
  const FaithfulnessShown* shown() const;
  Scope shown_scope() const;
  bool has_result(Scope scope) const { return !results_[static_cast<int>(scope)].series.empty(); }
  // The table's cells: the value's text, "★ " before the best of a column.
  static QString cell_text(double mean, const std::vector<double>& spreads, size_t metric, bool best);
  // The column headers: the metric named for people and which way is better.
  static QString metric_title(size_t metric);

 Q_SIGNALS:
  void datasetRequested();
  void cancelRequested();

 private:
  void resizeEvent(QResizeEvent* event) override;
  void set_up_table();
  void show_scope(Scope scope);
  void fill_table();
  void draw_curve();
  void end_running(Scope scope);
  void fit_split();

  QComboBox* scope_;
  QPushButton* dataset_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QLabel* caption_;
  QTabWidget* tabs_;
  QSplitter* split_;
  QTableWidget* table_;
  CurvePlot* curve_;
  FaithfulnessShown results_[2];
  QString messages_[2];
  bool running_[2] = {false, false};
  bool dataset_available_ = false;
  bool filling_ = false;  // the scope list is being rebuilt: no selection follows
};

}  // namespace actscope
