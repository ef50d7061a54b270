#include "ui/widgets/cka_heatmap_view.h"

#include <algorithm>
#include <cmath>

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "core/maps/grid.h"

namespace actscope {
namespace {

constexpr int kMargin = 6;
constexpr int kGap = 6;             // between the names and the cells
constexpr int kMinCell = 12;        // a cell never gets smaller: the view asks for room instead
constexpr int kMaxCell = 72;        // nor larger: a few layers do not make giant tiles
constexpr int kMinFontPixels = 9;   // names shrink to this before the view asks for room
constexpr int kMaxNameWidth = 170;  // longer names are elided (the tooltip has them whole)

QColor viridis(double value) {
  const auto rgb = colormap_rgb(Colormap::kViridis,
                                static_cast<uint8_t>(std::lround(std::clamp(value, 0.0, 1.0) * 255.0)));
  return QColor(rgb[0], rgb[1], rgb[2]);
}

QString format_value(double value) { return QString::number(value, 'f', 2); }

// Rec. 601 luma, 0..255: black text on cells above the middle, white below.
int perceived_brightness(const QColor& colour) {
  return (299 * colour.red() + 587 * colour.green() + 114 * colour.blue()) / 1000;
}

}  // namespace

CkaHeatmapView::CkaHeatmapView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void CkaHeatmapView::set_values(QStringList rows, QStringList columns, std::vector<double> values) {
  rows_ = std::move(rows);
  columns_ = std::move(columns);
  values_ = std::move(values);
  values_.resize(static_cast<size_t>(rows_.size()) * static_cast<size_t>(columns_.size()), NAN);
  message_.clear();
  selected_ = {};
  hovered_ = {};
  updateGeometry();
  update();
}

void CkaHeatmapView::set_axes(const QString& rows, const QString& columns) {
  row_axis_ = rows;
  column_axis_ = columns;
  update();
}

void CkaHeatmapView::clear(const QString& message) {
  rows_.clear();
  columns_.clear();
  values_.clear();
  message_ = message;
  selected_ = {};
  hovered_ = {};
  updateGeometry();
  update();
}

double CkaHeatmapView::value(int row, int column) const {
  if (row < 0 || column < 0 || row >= row_count() || column >= column_count()) return NAN;
  return values_[static_cast<size_t>(row) * static_cast<size_t>(column_count()) +
                 static_cast<size_t>(column)];
}

QString CkaHeatmapView::describe(int row, int column) const {
  if (row < 0 || column < 0 || row >= row_count() || column >= column_count()) return QString();
  const double v = value(row, column);
  const QString pair = tr("A %1 \u00d7 B %2").arg(rows_[row], columns_[column]);
  if (std::isnan(v)) return tr("%1: no value (a layer constant over every image)").arg(pair);
  return tr("%1: CKA %2").arg(pair).arg(v, 0, 'f', 3);
}

int CkaHeatmapView::names_extent(const QStringList& names, const QFont& font) const {
  const QFontMetrics metrics(font);
  int widest = 0;
  for (const QString& name : names) widest = std::max(widest, metrics.horizontalAdvance(name));
  return std::min(widest, kMaxNameWidth);
}

// The names' font shrinks (down to kMinFontPixels) when the rows are lower
// than it; the cells fill the room between the names, within kMinCell..kMaxCell.
CkaHeatmapView::Geometry CkaHeatmapView::geometry() const {
  Geometry g;
  g.font = font();
  if (rows_.isEmpty() || columns_.isEmpty()) return g;
  const int line = fontMetrics().height();  // the axis titles keep the widget's font
  for (int pass = 0; pass < 2; ++pass) {
    g.row_names = names_extent(rows_, g.font) + kGap;
    g.column_names = names_extent(columns_, g.font) + kGap;
    const int left = kMargin + g.row_names;
    const int top = kMargin + line + kGap;
    const int room_width = width() - left - kMargin;
    const int room_height = height() - top - g.column_names - line - kMargin;
    g.cell_width = std::clamp(room_width / static_cast<int>(columns_.size()), kMinCell, kMaxCell);
    g.cell_height = std::clamp(room_height / static_cast<int>(rows_.size()), kMinCell, kMaxCell);
    g.cells = QRect(left, top, g.cell_width * static_cast<int>(columns_.size()),
                    g.cell_height * static_cast<int>(rows_.size()));
    const int font_height = QFontMetrics(g.font).height();
    if (pass > 0 || font_height <= g.cell_height + 1) break;
    g.font.setPixelSize(std::max(kMinFontPixels, g.cell_height - 2));
  }
  fit_numbers(g);
  return g;
}

// The largest font (the names' at most, kMinFontPixels at least) in which
// "0.00" fits a cell.
void CkaHeatmapView::fit_numbers(Geometry& g) const {
  g.numbers = g.font;
  const int largest = QFontInfo(g.font).pixelSize();
  for (int pixels = largest; pixels >= kMinFontPixels; --pixels) {
    g.numbers.setPixelSize(pixels);
    const QFontMetrics metrics(g.numbers);
    g.shows_numbers = metrics.horizontalAdvance(QStringLiteral("0.00")) + 4 <= g.cell_width &&
                      metrics.height() <= g.cell_height + 2;
    if (g.shows_numbers) return;
  }
}

QSize CkaHeatmapView::minimumSizeHint() const {
  if (rows_.isEmpty() || columns_.isEmpty()) return {200, 120};
  QFont small = font();
  small.setPixelSize(kMinFontPixels);
  const int line = fontMetrics().height();
  return {2 * kMargin + names_extent(rows_, small) + kGap + kMinCell * static_cast<int>(columns_.size()),
          2 * kMargin + 2 * line + 2 * kGap + names_extent(columns_, small) +
              kMinCell * static_cast<int>(rows_.size())};
}

QSize CkaHeatmapView::sizeHint() const { return minimumSizeHint().expandedTo({480, 400}); }

CkaHeatmapView::Cell CkaHeatmapView::cell_at(const QPoint& position) const {
  const Geometry g = geometry();
  if (!g.cells.contains(position)) return {};
  return {(position.y() - g.cells.top()) / g.cell_height, (position.x() - g.cells.left()) / g.cell_width};
}

QRect CkaHeatmapView::cell_rect(int row, int column) const {
  if (row < 0 || column < 0 || row >= row_count() || column >= column_count()) return {};
  const Geometry g = geometry();
  return {g.cells.left() + column * g.cell_width, g.cells.top() + row * g.cell_height, g.cell_width,
          g.cell_height};
}

void CkaHeatmapView::select(Cell cell) {
  selected_ = cell.row < row_count() && cell.column < column_count() ? cell : Cell{};
  update();
}

bool CkaHeatmapView::shows_numbers() const { return geometry().shows_numbers; }

void CkaHeatmapView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  if (rows_.isEmpty() || columns_.isEmpty()) {
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(rect().adjusted(kMargin, kMargin, -kMargin, -kMargin),
                     Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  const Geometry g = geometry();
  draw_cells(painter, g);
  draw_names(painter, g);
}

void CkaHeatmapView::draw_cells(QPainter& painter, const Geometry& g) const {
  const bool numbers = g.shows_numbers;
  painter.setFont(g.numbers);
  for (int row = 0; row < row_count(); ++row) {
    for (int column = 0; column < column_count(); ++column) {
      const QRect cell = cell_rect(row, column);
      const double v = value(row, column);
      const QColor colour = std::isnan(v) ? QColor(150, 150, 150) : viridis(v);
      painter.fillRect(cell, colour);
      if (!numbers || std::isnan(v)) continue;
      painter.setPen(perceived_brightness(colour) > 128 ? Qt::black : Qt::white);
      painter.drawText(cell, Qt::AlignCenter, format_value(v));
    }
  }
  if (selected_.valid()) {
    const QRect cell = cell_rect(selected_.row, selected_.column);
    painter.setPen(QPen(Qt::black, 3));
    painter.drawRect(cell.adjusted(1, 1, -2, -2));
    painter.setPen(QPen(Qt::white, 1));
    painter.drawRect(cell.adjusted(1, 1, -2, -2));
  }
}

// The row names right-aligned left of the cells, the column names below
// them reading bottom to top, the axis titles above and below; the picked
// cell's two names in bold.
void CkaHeatmapView::draw_names(QPainter& painter, const Geometry& g) const {
  const QColor text = palette().color(QPalette::WindowText);
  painter.setPen(text);
  const QFontMetrics metrics(g.font);
  QFont bold = g.font;
  bold.setBold(true);
  for (int row = 0; row < row_count(); ++row) {
    painter.setFont(row == selected_.row ? bold : g.font);
    const QRect cell = cell_rect(row, 0);
    const QRect name(kMargin, cell.top(), g.row_names - kGap, cell.height());
    painter.drawText(name, Qt::AlignRight | Qt::AlignVCenter,
                     metrics.elidedText(rows_[row], Qt::ElideLeft, name.width()));
  }
  const int names_top = g.cells.bottom() + 1 + kGap;
  const int length = g.column_names - kGap;
  for (int column = 0; column < column_count(); ++column) {
    painter.setFont(column == selected_.column ? bold : g.font);
    const QRect cell = cell_rect(0, column);
    painter.save();
    painter.translate(cell.center().x(), names_top);
    painter.rotate(-90);  // x now points up: the name ends just under its column
    painter.drawText(QRect(-length, -g.cell_width / 2, length, g.cell_width),
                     Qt::AlignRight | Qt::AlignVCenter,
                     metrics.elidedText(columns_[column], Qt::ElideLeft, length));
    painter.restore();
  }
  painter.setFont(font());
  const QFontMetrics axis(font());
  const int axis_width = width() - g.cells.left() - kMargin;
  painter.drawText(QRect(g.cells.left(), kMargin, axis_width, axis.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, axis.elidedText(row_axis_, Qt::ElideMiddle, axis_width));
  painter.drawText(QRect(g.cells.left(), names_top + length + 2, axis_width, axis.height()),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   axis.elidedText(column_axis_, Qt::ElideMiddle, axis_width));
}

void CkaHeatmapView::hover(const Cell& cell, const QPoint& global) {
  if (cell.row == hovered_.row && cell.column == hovered_.column) return;
  hovered_ = cell;
  if (cell.valid()) {
    QToolTip::showText(global, describe(cell.row, cell.column), this, cell_rect(cell.row, cell.column));
  } else {
    QToolTip::hideText();
  }
  Q_EMIT cellHovered(cell.row, cell.column);
}

void CkaHeatmapView::mouseMoveEvent(QMouseEvent* event) {
  hover(cell_at(event->position().toPoint()), event->globalPosition().toPoint());
}

void CkaHeatmapView::leaveEvent(QEvent*) { hover({}, {}); }

void CkaHeatmapView::mousePressEvent(QMouseEvent* event) {
  const Cell cell = cell_at(event->position().toPoint());
  if (event->button() != Qt::LeftButton || !cell.valid()) return;
  select(cell);
  Q_EMIT cellClicked(cell.row, cell.column);
}

}  // namespace actscope
