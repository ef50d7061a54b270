// VisualizeLayerPane: every filter's synthesized image of a layer as a grid
// (the GridView of the activation grids, the images as they are: no
// normalization, no colour scale), filled as the batches finish; the steps
// each image is optimized for, the run's progress in filters and Cancel.
// Clicking a tile chooses that filter. It only shows and asks.
#pragma once

#include <memory>

#include <QWidget>

#include "core/maps/layer_view.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace actscope {

class GridView;

class VisualizeLayerPane : public QWidget {
  Q_OBJECT

 public:
  explicit VisualizeLayerPane(QWidget* parent = nullptr);

  // Adam steps per image (default 512).
  int steps() const;
  void set_steps(int steps);

  // The grid (pictures: `view` has no raw maps); `notes` by filter say each
  // tile's objective when hovered; `message` goes above the grid.
  void show_grid(std::shared_ptr<const LayerView> view, const QStringList& notes, const QString& message);
  // No grid: `message` in its place.
  void show_message(const QString& message);
  // A layer run is going over `filters` filters: progress and Cancel.
  void show_running(int filters);
  // Steps done of all the run's steps, and the filters whose images are done.
  void show_progress(int64_t done, int64_t total, int filters_done);
  void stop_running();
  void select_filter(int filter);

  GridView* grid() const { return grid_; }

 Q_SIGNALS:
  void cancelRequested();
  // A tile was clicked (or chosen with the keys).
  void filterClicked(int filter);
  void stepsChanged(int steps);

 protected:
  // A click on the tile already selected chooses it too (the grid selects
  // its first tile by itself, without a choice).
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QSpinBox* steps_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QLabel* message_;
  GridView* grid_;
  int run_filters_ = 0;
};

}  // namespace actscope
