// ScatterView: a 2-D point layout drawn for browsing (the Embedding view):
// each point a dot in its colour, marked points as crosses on top, a legend
// of names and colours in the corner. Wheel zooms about the cursor, a
// right- or middle-drag pans, double-click fits; a left-drag draws a
// rubber band that selects the points under it; a click on a point picks
// it; hovering reports the point under the cursor. It only draws and tells:
// what a point is, the pane knows.
#pragma once

#include <vector>

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

class QRubberBand;

namespace actscope {

class ScatterView : public QWidget {
  Q_OBJECT

 public:
  explicit ScatterView(QWidget* parent = nullptr);

  // The points (x, y interleaved), each one's colour and whether it is marked
  // (a cross). A new layout of as many points keeps the user's zoom and pan
  // unless the view still fits the layout (then it fits the new one).
  void set_points(std::vector<float> layout, std::vector<QColor> colours, std::vector<bool> marked);
  // The legend: one line per name, in its colour; a marked entry last.
  void set_legend(std::vector<QString> names, std::vector<QColor> colours, const QString& marked_name);
  // A card drawn beside point `index` (a thumbnail and lines of text); an
  // empty picture and text hide it.
  void set_hover_card(int index, const QImage& picture, const QString& text);
  // Emphasizes these points (a ring) as the current selection.
  void set_selection(std::vector<int> indices);

  int count() const { return static_cast<int>(layout_.size() / 2); }
  // Where point `index` is drawn, in widget pixels.
  QPointF point_position(int index) const;
  // The point within a few pixels of `position` nearest to it, or -1.
  int point_at(QPointF position) const;
  // Fits the whole layout in the view.
  void fit();
  // Zooms by `factor` about `anchor` (widget pixels).
  void zoom_by(double factor, QPointF anchor);

 Q_SIGNALS:
  void pointHovered(int index);  // -1: none
  void pointClicked(int index);
  void pointDoubleClicked(int index);
  void selectionMade(const std::vector<int>& indices);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  QRectF bounds() const;
  int legend_width() const;
  void draw_legend(QPainter& painter) const;
  void draw_hover_card(QPainter& painter) const;

  std::vector<float> layout_;
  std::vector<QColor> colours_;
  std::vector<bool> marked_;
  std::vector<int> selection_;
  std::vector<QString> legend_names_;
  std::vector<QColor> legend_colours_;
  QString marked_name_;
  // Layout -> widget: x * scale_ + offset_.x(), y * scale_ + offset_.y().
  double scale_ = 1.0;
  QPointF offset_;
  bool fitted_ = true;  // the view follows the layout until the user zooms or pans
  int hovered_ = -1;
  QImage hover_picture_;
  QString hover_text_;
  QPoint press_;
  QPointF pan_from_;
  bool panning_ = false;
  QRubberBand* band_;
};

}  // namespace actscope
