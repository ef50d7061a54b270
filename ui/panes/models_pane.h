// ModelsPane: the Models view. How alike the layers of the open model (A)
// and a second model (B) are over a dataset: the CKA heatmap (A's layers as
// rows, B's as columns) with its colour bar and how many images and batches
// its values come from takes the room; a column on the right opens or
// closes model B, says which dataset is read and how many images, runs with
// progress and Cancel, and shows the picked cell's two layers side by side
// for the current image (A's grid and B's grid, each with its colour bar).
// It only displays and asks: the models controller loads, computes and
// captures.
#pragma once

#include <memory>

#include <QString>
#include <QWidget>

#include "core/maps/layer_view.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QSplitter;

namespace actscope {

class CkaHeatmapView;
class ColorBar;
class GridView;

class ModelsPane : public QWidget {
  Q_OBJECT

 public:
  explicit ModelsPane(QWidget* parent = nullptr);

  // Which model B is open ("" for none: A is compared with itself).
  void set_second_model(const QString& name, const QString& tooltip);
  // The dataset the next run reads, as the user should read it.
  void set_dataset(const QString& text, const QString& tooltip);
  // The first images of the dataset a run reads (0: all).
  int limit() const;
  void set_limit(int limit);

  // A run is going: progress and Cancel; the heatmap shows `what` until it ends.
  void show_running(const QString& what);
  void show_progress(size_t done, size_t total);
  // No heatmap: `message` in its place (no model, an error, cancelled, a hint).
  void show_message(const QString& message);
  // A run's heatmap: `summary` says what it is and where its values come
  // from; the axes name the models.
  void show_heatmap(const QStringList& rows, const QStringList& columns, std::vector<double> values,
                    const QString& summary, const QString& row_axis, const QString& column_axis);

  // The picked cell's two layers: each grid's title and its drawing (which
  // must outlive the next show_pair or clear_pair).
  void show_pair(const QString& summary, const QString& a_title, std::shared_ptr<const LayerView> a,
                 const QString& b_title, std::shared_ptr<const LayerView> b);
  // No layers shown: `message` in their place.
  void clear_pair(const QString& message);

  CkaHeatmapView* heatmap() const { return heatmap_; }
  // Grid A (0) or B (1).
  GridView* grid(int which) const { return grids_[which]; }

 Q_SIGNALS:
  void runRequested();
  void cancelRequested();
  void openSecondRequested();
  void closeSecondRequested();
  void chooseDatasetRequested();
  // A cell was clicked: A's layer `row` against B's layer `column`.
  void cellChosen(int row, int column);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  QWidget* build_heatmap();
  QWidget* build_controls();
  QWidget* build_pair();
  void finish_run();

  CkaHeatmapView* heatmap_;
  QSplitter* split_;
  bool split_by_user_ = false;
  QLabel* summary_;
  QLabel* hover_;
  ColorBar* heatmap_scale_;
  QLabel* second_;
  QPushButton* close_second_;
  QLabel* dataset_;
  QSpinBox* limit_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* progress_text_;
  QLabel* pair_summary_;
  QLabel* grid_titles_[2];
  ColorBar* grid_scales_[2];
  GridView* grids_[2];
};

}  // namespace actscope
