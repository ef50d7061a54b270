// GridView: one layer's filters as a tiled picture (core::Grid), zoomable,
// with a selected filter, hover read-outs and dead filters marked.
#pragma once

#include <memory>

#include <QImage>
#include <QStringList>
#include <QWidget>

#include "core/atlas/filter_stats.h"
#include "core/maps/layer_view.h"

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
  double zoom() const { return zoom_; }
  void set_zoom(double zoom);

  // Labels drawn on the tiles: each tile's filter number, or its name when
  // names are set (a logit layer's class names, by filter index).
  void set_show_labels(bool show);
  bool shows_labels() const { return show_labels_; }
  void set_filter_names(const QStringList& names);
  // The label of `filter`: "12", or "12 Dress" with names.
  QString filter_label(int filter) const;

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

 Q_SIGNALS:
  void hovered(const QString& text);
  // The unit under the mouse; filter -1 when the mouse left the tiles.
  void unitHovered(int filter, int y, int x);
  void enlargeRequested(int filter);
  void selectionChanged(int filter);
  void zoomedByUser();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  QSize sizeHint() const override;

 private:
  // The tile under a widget position, or -1.
  int tile_at(const QPoint& position) const;
  QRect tile_rect(int tile) const;
  void scroll_to(int tile);

  std::shared_ptr<const LayerView> view_;
  QImage image_;
  QString message_;
  int selected_tile_ = -1;
  double zoom_ = 1.0;
  bool show_labels_ = false;
  QStringList names_;
  std::vector<DatasetMark> marks_;
};

// True when a filter never fires: all of its values are 0 (or it is constant at 0).
bool is_dead_filter(const FilterStats& stats);

}  // namespace actscope
