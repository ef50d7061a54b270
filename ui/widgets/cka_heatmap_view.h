// CkaHeatmapView: a CKA comparison to browse (the Models view): model A's
// layers as rows, model B's as columns, each cell coloured by its value on
// viridis from 0 to 1 (gray: no value, a constant layer), the value written
// in the cell when the cell has room for it, every layer named on its axis
// (the column names read bottom to top) and what each axis is. When the
// names and the smallest readable cells do not fit, the view asks for more
// room than it has (put it in a scroll area) and the names shrink first.
// Hovering a cell reports it (and a tooltip names both layers and the
// value); a click picks it, and the picked cell is outlined. It only draws
// and tells: what a layer is, the pane knows.
#pragma once

#include <vector>

#include <QString>
#include <QStringList>
#include <QWidget>

namespace actscope {

class CkaHeatmapView : public QWidget {
  Q_OBJECT

 public:
  explicit CkaHeatmapView(QWidget* parent = nullptr);

  // The rows (A's layers), the columns (B's) and the values, rows x columns
  // row-major (NaN: no value). The picked cell is cleared.
  void set_values(QStringList rows, QStringList columns, std::vector<double> values);
  // What the rows and the columns are ("A: fashion_cnn.pt"), drawn beside them.
  void set_axes(const QString& rows, const QString& columns);
  // No cells: `message` in their place.
  void clear(const QString& message);

  int row_count() const { return static_cast<int>(rows_.size()); }
  int column_count() const { return static_cast<int>(columns_.size()); }
  const QStringList& rows() const { return rows_; }
  const QStringList& columns() const { return columns_; }
  // The value of a cell (NaN for none or out of range).
  double value(int row, int column) const;
  // "A relu3 x B conv4: CKA 0.834" for a cell.
  QString describe(int row, int column) const;

  struct Cell {
    int row = -1;
    int column = -1;
    bool valid() const { return row >= 0 && column >= 0; }
  };
  // The cell at a widget position (invalid when none).
  Cell cell_at(const QPoint& position) const;
  // Where a cell is drawn, in widget coordinates (empty when none).
  QRect cell_rect(int row, int column) const;
  // Outlines a cell as picked (an invalid one: none), without cellClicked.
  void select(Cell cell);
  Cell selected() const { return selected_; }
  // Whether values are written in the cells at the present size.
  bool shows_numbers() const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 Q_SIGNALS:
  // The cell under the mouse; (-1, -1) when the mouse left the cells.
  void cellHovered(int row, int column);
  void cellClicked(int row, int column);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  // Where everything goes at the present size.
  struct Geometry {
    QFont font;         // the names' font (shrunk for low rows)
    QFont numbers;      // the values' font (shrunk to fit a cell); no values when even the smallest does not
    int row_names = 0;  // width of the row names
    int column_names = 0;  // height of the column names
    QRect cells;           // the cells' block
    int cell_width = 0;
    int cell_height = 0;
    bool shows_numbers = false;
  };
  void fit_numbers(Geometry& g) const;
  Geometry geometry() const;
  // The widest name in `font`, capped.
  int names_extent(const QStringList& names, const QFont& font) const;
  void draw_cells(QPainter& painter, const Geometry& g) const;
  void draw_names(QPainter& painter, const Geometry& g) const;
  void hover(const Cell& cell, const QPoint& global);

  QStringList rows_;
  QStringList columns_;
  std::vector<double> values_;
  QString row_axis_;
  QString column_axis_;
  QString message_;
  Cell selected_;
  Cell hovered_;
};

}  // namespace actscope
