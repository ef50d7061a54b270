// GridView: one layer's filters as a tiled picture (core::Grid), with a
// selected filter, hover read-outs and dead filters marked. It lays the
// grid's tiles out itself: fitted (the default), the columns and the tile
// size are chosen so that every tile shows in the scroll area it sits in;
// zoomed (Ctrl+wheel, the zoom keys, 1:1), the tiles keep their size and
// wrap at the area's width. The caption is drawn in the widget's font
// above the tiles, so it stays readable at any tile size.
#pragma once

#include <memory>

#include <QImage>
#include <QStringList>
#include <QWidget>

#include "core/atlas/filter_stats.h"
#include "core/maps/layer_view.h"

class QScrollArea;

namespace actscope {

class GridView : public QWidget {
  Q_OBJECT

 public:
  explicit GridView(QWidget* parent = nullptr);

  // Shows `view`, shared with whoever drew it (its raw maps must outlive
  // the next set_view/clear).
  void set_view(std::shared_ptr<const LayerView> view);
  void clear(const QString& message = QString());

  bool has_view() const { return view_ != nullptr; }
  // The view shown; an empty one when there is none.
  const LayerView& view() const;
  int tile_count() const { return static_cast<int>(view().grid.filters.size()); }
  // The selected tile's filter index, or -1.
  int selected_filter() const;
  void select_tile(int tile);
  void select_filter(int filter);  // the tile showing `filter`, if one does
  // The tiles' size on screen over their size in the grid's picture.
  double zoom() const { return zoom_; }
  // Zooms to `zoom` (1: 1:1); the grid stops fitting. Emits layoutChanged.
  void set_zoom(double zoom);
  // Fits every tile into the scroll area again. Emits layoutChanged.
  void fit();
  bool fits() const { return fit_; }
  int columns() const { return columns_; }
  // The caption lines above the tiles (on by default).
  void set_show_caption(bool show);
  // Lays the tiles out for at most `room` (when valid) instead of the whole
  // scroll area: grids shown side by side share the smallest of their areas,
  // so a filter sits at the same place in each.
  void set_shared_room(const QSize& room);

  // Labels drawn on the tiles: each tile's filter number, or its name when
  // names are set (a logit layer's class names, by filter index).
  void set_show_labels(bool show);
  bool shows_labels() const { return show_labels_; }
  void set_filter_names(const QStringList& names);
  // The label of `filter`: "12", or "12 Dress" with names.
  QString filter_label(int filter) const;
  // A line per filter (by index) that hovering its tile shows after its
  // label. A view without raw maps (tiles that are pictures, such as
  // feature visualizations) shows only these.
  void set_tile_notes(const QStringList& notes) { notes_ = notes; }

  // Marks for what each filter does over a scanned dataset (by filter;
  // empty: none): a purple corner for dead on every image, orange for
  // rarely active.
  void set_dataset_marks(std::vector<DatasetMark> marks);

  // "filter 12  value 0.341  (min -1.2, max 3.4, mean 0.2)" at a widget position, or "".
  QString describe(const QPoint& position) const;

  // The unit (filter, row, column of its map) at a widget position; filter
  // -1 when the position is on no tile.
  struct Unit {
    int filter = -1;
    int y = -1;
    int x = -1;
  };
  Unit unit_at(const QPoint& position) const;
  // The widget position of the centre of unit (y, x) of `filter`'s tile; (-1, -1) when no tile shows it.
  QPoint unit_position(int filter, int y, int x) const;
  // Where tile `tile` is drawn, in widget coordinates (empty when none).
  QRect tile_rect(int tile) const;

 Q_SIGNALS:
  void hovered(const QString& text);
  // The unit under the mouse; filter -1 when the mouse left the tiles.
  void unitHovered(int filter, int y, int x);
  void enlargeRequested(int filter);
  void selectionChanged(int filter);
  void zoomedByUser();
  // The zoom or the fitting changed (by the user or a call).
  void layoutChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  bool event(QEvent* event) override;
  bool eventFilter(QObject* watched, QEvent* event) override;
  QSize sizeHint() const override;

 private:
  // The tile under a widget position, or -1.
  int tile_at(const QPoint& position) const;
  // Where tile `tile` is in the grid's picture.
  QRect source_rect(int tile) const;
  QScrollArea* scroll_area() const;
  int caption_height() const;
  // Chooses columns and zoom for the area's size and resizes the widget.
  void lay_out();
  void scroll_to(int tile);

  std::shared_ptr<const LayerView> view_;
  QImage image_;
  QString message_;
  int selected_tile_ = -1;
  double zoom_ = 1.0;
  bool fit_ = true;
  int columns_ = 1;
  bool show_caption_ = true;
  QScrollArea* watched_ = nullptr;  // the scroll area whose viewport the grid fits
  QSize shared_room_;
  bool show_labels_ = false;
  QStringList names_;
  QStringList notes_;
  std::vector<DatasetMark> marks_;
};

// True when a filter never fires: all of its values are 0 (or it is constant at 0).
bool is_dead_filter(const FilterStats& stats);

}  // namespace actscope
