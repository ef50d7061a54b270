// ActivationsPane: the Activations tab. The controls for how grids are drawn
// (normalization, colormap, sort by mean, top K, before activation), the
// current layer's grid, and beside it the grid of the layer's other half of
// a before/after-activation pair.
// It only displays and asks: the activations controller renders.
#pragma once

#include <QWidget>

#include "core/atlas/filter_stats.h"
#include "core/maps/layer_view.h"
#include "ui/state/grid_settings.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace actscope {

class ColorBar;
class GridView;

class ActivationsPane : public QWidget {
  Q_OBJECT

 public:
  explicit ActivationsPane(QWidget* parent = nullptr);

  // The grid of the current layer (`names`: its filters' names, a logit
  // layer's class names), or a message in its place.
  void show_grid(std::shared_ptr<const LayerView> view, const QStringList& names = {});
  void show_message(const QString& message);
  // The grid beside (`caption` says which values it shows); hide_side empties it.
  void show_side(const QString& caption, std::shared_ptr<const LayerView> view);
  void hide_side();
  // Whether the current layer is half of a before/after pair.
  void set_pair_available(bool available);
  // Whether a filter atlas covers the current layer: its marks on the grid
  // (empty: none) and the idle-first order on offer.
  void set_dataset_marks(const std::vector<DatasetMark>& marks);

  // Sets the normalization and colormap by name (unknown names are ignored);
  // emits settingsChanged.
  void restore(const QString& normalization, const QString& colormap);
  // Zooms the grids by `factor` (as the zoom keys do); they stop fitting.
  void zoom_by(double factor);
  // Every tile in sight again (Ctrl+0), or the grids at 1:1 (Ctrl+Alt+0).
  void fit_grids();
  void actual_size();
  // The grid beside (before activation) takes the main grid's zoom or fitting.
  void follow_main_grid();
  // Gives the grid the keyboard focus.
  void focus_grid();
  // The current layer's grid (for tests and the shell).
  GridView* grid() const { return grid_; }
  // Emits enlargeRequested for the selected filter, if one is.
  void enlarge_selected();

 Q_SIGNALS:
  void settingsChanged(const GridSettings& settings);
  void hovered(const QString& text);
  // The unit under the mouse in either grid (the pair's halves share the
  // layer's geometry); filter -1 when the mouse left them.
  void unitHovered(int filter, int y, int x);
  // Double-click or Enter on a filter of the grid.
  void enlargeRequested(int filter);

 private:
  QWidget* build_controls();
  void emit_settings();

  GridView* grid_;
  GridView* side_grid_;
  QWidget* side_box_;
  QLabel* side_caption_;
  ColorBar* scale_;  // the current grid's, above it
  QComboBox* normalization_;
  QComboBox* colormap_;
  QCheckBox* sort_by_mean_;
  QCheckBox* sort_by_dataset_;
  QCheckBox* labels_;
  QSpinBox* top_k_;
  QCheckBox* before_activation_;
};

}  // namespace actscope
