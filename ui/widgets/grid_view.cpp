#include "ui/widgets/grid_view.h"
#include "core/maps/layer_view.h"

#include <algorithm>
#include <cmath>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QWheelEvent>

namespace actscope {
namespace {

constexpr int kGap = 2;              // pixels between tiles on screen
constexpr double kMinTile = 4.0;     // fitted tiles are never smaller (pixels)
constexpr double kMinZoom = 0.05;
constexpr double kMaxZoom = 16.0;
constexpr double kMaxFitZoom = 4.0;  // a few large tiles are not blown up past this

}  // namespace

bool is_dead_filter(const FilterStats& stats) { return stats.min == 0.0f && stats.max == 0.0f; }

GridView::GridView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void GridView::set_view(std::shared_ptr<const LayerView> view) {
  view_ = std::move(view);
  const RgbImage& rgb = view_->grid.image;
  // Converted once to the raster engine's native format (which also copies:
  // the QImage must not point into the grid's vector), so paints need no conversion.
  image_ = QImage(rgb.pixels.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888)
               .convertToFormat(QImage::Format_RGB32);
  message_.clear();
  if (selected_tile_ >= tile_count()) selected_tile_ = tile_count() - 1;
  if (selected_tile_ < 0 && tile_count() > 0) selected_tile_ = 0;
  lay_out();
  update();
}

const LayerView& GridView::view() const {
  static const LayerView none;
  return view_ ? *view_ : none;
}

void GridView::clear(const QString& message) {
  view_.reset();
  image_ = QImage();
  message_ = message;
  lay_out();
  update();
}

int GridView::selected_filter() const {
  return selected_tile_ >= 0 && selected_tile_ < tile_count() ? view().grid.filters[selected_tile_] : -1;
}

void GridView::select_tile(int tile) {
  if (tile < 0 || tile >= tile_count() || tile == selected_tile_) return;
  selected_tile_ = tile;
  update();
  scroll_to(tile);
  Q_EMIT selectionChanged(selected_filter());
}

// Scrolls the scroll area the grid sits in (if any) so that `tile` shows.
void GridView::scroll_to(int tile) {
  if (QScrollArea* area = scroll_area()) {
    const QRect rect = tile_rect(tile);
    area->ensureVisible(rect.center().x(), rect.center().y(), rect.width() / 2 + 4, rect.height() / 2 + 4);
  }
}

void GridView::select_filter(int filter) {
  const auto& filters = view().grid.filters;
  const auto at = std::find(filters.begin(), filters.end(), filter);
  if (at != filters.end()) select_tile(static_cast<int>(at - filters.begin()));
}

void GridView::set_zoom(double zoom) {
  fit_ = false;
  zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
  lay_out();
  update();
  Q_EMIT layoutChanged();
}

void GridView::fit() {
  fit_ = true;
  lay_out();
  update();
  Q_EMIT layoutChanged();
}

void GridView::set_shared_room(const QSize& room) {
  if (room == shared_room_) return;
  shared_room_ = room;
  lay_out();
  update();
}

void GridView::set_show_caption(bool show) {
  show_caption_ = show;
  lay_out();
  update();
}

QSize GridView::sizeHint() const { return size(); }

// The scroll area whose widget the grid is, if any.
QScrollArea* GridView::scroll_area() const {
  QWidget* viewport = parentWidget();
  auto* area = qobject_cast<QScrollArea*>(viewport ? viewport->parentWidget() : nullptr);
  return area && area->viewport() == viewport ? area : nullptr;
}

bool GridView::event(QEvent* event) {
  if (event->type() == QEvent::ParentChange) {
    if (watched_) watched_->viewport()->removeEventFilter(this);
    watched_ = scroll_area();
    if (watched_) watched_->viewport()->installEventFilter(this);
    lay_out();
  }
  return QWidget::event(event);
}

// The scroll area's visible part changed size: the tiles are laid out again.
bool GridView::eventFilter(QObject* watched, QEvent* event) {
  if (watched_ && watched == watched_->viewport() && event->type() == QEvent::Resize) lay_out();
  return QWidget::eventFilter(watched, event);
}

int GridView::caption_height() const {
  const auto& lines = view().grid.caption;
  if (!show_caption_ || lines.empty()) return 0;
  return fontMetrics().lineSpacing() * static_cast<int>(lines.size()) + 6;
}

// Fitted: of every column count, the one that gives the largest tiles with
// every tile inside the area (the tiles never smaller than kMinTile pixels:
// below that the grid scrolls). Zoomed: as many columns as the area's width
// holds at the zoom. The widget covers the area, or the tiles when larger.
void GridView::lay_out() {
  const QSize area = watched_ ? watched_->viewport()->size() : size();
  if (!view_ || tile_count() == 0) {
    columns_ = 1;
    resize(area.expandedTo(QSize(200, 80)));
    return;
  }
  const QSize room = shared_room_.isValid() ? area.boundedTo(shared_room_) : area;
  const Grid& grid = view().grid;
  const int count = tile_count();
  const double tile_width = std::max(1, grid.tile_width);
  const double tile_height = std::max(1, grid.tile_height);
  const int caption = caption_height();
  const double smallest = kMinTile / std::min(tile_width, tile_height);
  auto columns_at = [&](double zoom) {
    return std::clamp(static_cast<int>((room.width() - kGap) / (tile_width * zoom + kGap)), 1, count);
  };
  if (fit_) {
    double best = 0.0;
    int best_columns = 1;
    for (int columns = 1; columns <= count; ++columns) {
      const int rows = (count + columns - 1) / columns;
      const double across = (room.width() - kGap * (columns + 1.0)) / (columns * tile_width);
      const double down = (room.height() - caption - kGap * (rows + 1.0)) / (rows * tile_height);
      const double zoom = std::min(across, down);
      if (zoom > best) {
        best = zoom;
        best_columns = columns;
      }
    }
    zoom_ = std::clamp(best, smallest, kMaxFitZoom);
    columns_ = best >= smallest ? best_columns : columns_at(zoom_);
  } else {
    columns_ = columns_at(zoom_);
  }
  const int rows = (count + columns_ - 1) / columns_;
  // Rounding must not make a fitted grid a pixel larger than its area (a
  // scroll bar would come and go): a hair below the next whole pixel rounds down.
  constexpr double kHair = 1e-6;
  const int width = static_cast<int>(std::ceil(kGap + columns_ * (tile_width * zoom_ + kGap) - kHair));
  const int height = static_cast<int>(std::ceil(caption + kGap + rows * (tile_height * zoom_ + kGap) - kHair));
  resize(QSize(width, height).expandedTo(fit_ ? area : QSize(std::min(area.width(), width), 0)));
}

QRect GridView::tile_rect(int tile) const {
  const Grid& grid = view().grid;
  if (tile < 0 || tile >= tile_count()) return {};
  const double width = grid.tile_width * zoom_;
  const double height = grid.tile_height * zoom_;
  const double left = kGap + (tile % columns_) * (width + kGap);
  const double top = caption_height() + kGap + (tile / columns_) * (height + kGap);
  const int x = static_cast<int>(left);
  const int y = static_cast<int>(top);
  return QRect(x, y, std::max(1, static_cast<int>(left + width) - x), std::max(1, static_cast<int>(top + height) - y));
}

QRect GridView::source_rect(int tile) const {
  const Grid& grid = view().grid;
  const int columns = std::max(1, grid.columns);
  return QRect(grid.gap + (tile % columns) * (grid.tile_width + grid.gap),
               grid.caption_height + grid.gap + (tile / columns) * (grid.tile_height + grid.gap), grid.tile_width,
               grid.tile_height);
}

int GridView::tile_at(const QPoint& position) const {
  for (int tile = 0; tile < tile_count(); ++tile) {
    if (tile_rect(tile).contains(position)) return tile;
  }
  return -1;
}

void GridView::set_show_labels(bool show) {
  show_labels_ = show;
  update();
}

void GridView::set_dataset_marks(std::vector<DatasetMark> marks) {
  marks_ = std::move(marks);
  update();
}

void GridView::set_filter_names(const QStringList& names) {
  names_ = names;
  update();
}

QString GridView::filter_label(int filter) const {
  if (filter >= 0 && filter < names_.size()) return QStringLiteral("%1 %2").arg(filter).arg(names_[filter]);
  return QString::number(filter);
}

GridView::Unit GridView::unit_at(const QPoint& position) const {
  const int tile = tile_at(position);
  if (tile < 0) return {};
  const QRect rect = tile_rect(tile);
  const int height = view().maps.height;
  const int width = view().maps.width;
  const int x = std::clamp((position.x() - rect.x()) * width / std::max(1, rect.width()), 0, width - 1);
  const int y = std::clamp((position.y() - rect.y()) * height / std::max(1, rect.height()), 0, height - 1);
  return {view().grid.filters[tile], y, x};
}

QPoint GridView::unit_position(int filter, int y, int x) const {
  const auto& filters = view().grid.filters;
  const auto found = std::find(filters.begin(), filters.end(), filter);
  if (found == filters.end()) return {-1, -1};
  const QRect rect = tile_rect(static_cast<int>(found - filters.begin()));
  const int height = std::max(1, view().maps.height);
  const int width = std::max(1, view().maps.width);
  return {rect.x() + (2 * x + 1) * rect.width() / (2 * width), rect.y() + (2 * y + 1) * rect.height() / (2 * height)};
}

QString GridView::describe(const QPoint& position) const {
  const Unit unit = unit_at(position);
  if (unit.filter < 0) return {};
  const int filter = unit.filter;
  const QString note = filter < notes_.size() ? QStringLiteral("   ") + notes_[filter] : QString();
  if (!view().raw || filter >= static_cast<int>(view().maps.stats.size())) {
    return QStringLiteral("filter %1").arg(filter_label(filter)) + note;  // a picture, not a map
  }
  const int x = unit.x;
  const int y = unit.y;
  const FilterStats& stats = view().maps.stats[filter];
  const int height = view().maps.height;
  const int width = view().maps.width;
  const float value = view().raw[(static_cast<size_t>(filter) * height + y) * width + x];
  QString text = QStringLiteral("filter %1  row %2, column %3 = %4   min %5  max %6  mean %7")
                     .arg(filter_label(filter))
                     .arg(y)
                     .arg(x)
                     .arg(value, 0, 'g', 4)
                     .arg(stats.min, 0, 'g', 4)
                     .arg(stats.max, 0, 'g', 4)
                     .arg(stats.mean, 0, 'g', 4);
  text += note;
  if (is_dead_filter(stats)) text += QStringLiteral("   dead: never fires for this image");
  if (stats.near_dead) text += QStringLiteral("   near-dead: its largest magnitude is below 1e-6 of the layer's (drawn dark)");
  if (filter < static_cast<int>(marks_.size())) {
    const DatasetMark& mark = marks_[static_cast<size_t>(filter)];
    if (mark.dead) {
      text += QStringLiteral("   dataset: dead on every image");
    } else if (mark.rarely_active) {
      text += QStringLiteral("   dataset: rarely active (dead on %1% of images)").arg(100.0 * mark.dead_fraction, 0, 'f', 1);
    }
  }
  return text;
}

void GridView::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.fillRect(rect(), QColor(40, 40, 40));
  if (image_.isNull()) {
    painter.setPen(QColor(220, 220, 220));
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                     message_);
    return;
  }
  // The caption in the widget's font, then each tile where the layout puts it
  // (nearest neighbour: a map's pixels stay sharp squares).
  if (const int caption = caption_height(); caption > 0) {
    painter.setPen(QColor(235, 235, 235));
    const QFontMetrics metrics = fontMetrics();
    int baseline = 3 + metrics.ascent();
    for (const std::string& line : view().grid.caption) {
      const QString text = QString::fromStdString(line);
      painter.drawText(6, baseline, metrics.elidedText(text, Qt::ElideRight, std::max(10, width() - 12)));
      baseline += metrics.lineSpacing();
    }
  }
  for (int tile = 0; tile < tile_count(); ++tile) {
    const QRect target = tile_rect(tile);
    if (target.intersects(event->rect())) painter.drawImage(target, image_, source_rect(tile));
  }
  // Dead filters: a red cross, so that black never passes for "weak";
  // near-dead ones (tiny next to the layer): an orange dashed cross.
  for (int tile = 0; tile < tile_count(); ++tile) {
    const size_t filter = static_cast<size_t>(view().grid.filters[tile]);
    if (filter >= view().maps.stats.size()) continue;  // a picture: no statistics
    const FilterStats& stats = view().maps.stats[filter];
    if (!is_dead_filter(stats) && !stats.near_dead) continue;
    painter.setPen(is_dead_filter(stats) ? QPen(QColor(220, 60, 60), 1) : QPen(QColor(240, 150, 40), 1, Qt::DashLine));
    const QRect r = tile_rect(tile).adjusted(2, 2, -3, -3);
    painter.drawLine(r.topLeft(), r.bottomRight());
    painter.drawLine(r.topRight(), r.bottomLeft());
  }
  // Over the scanned dataset: a corner triangle, purple for dead on every
  // image, orange for rarely active.
  for (int tile = 0; tile < tile_count(); ++tile) {
    const size_t filter = static_cast<size_t>(view().grid.filters[tile]);
    if (filter >= marks_.size() || (!marks_[filter].dead && !marks_[filter].rarely_active)) continue;
    const QRect r = tile_rect(tile);
    const int side = std::max(8, r.width() / 4);
    const QPolygon corner({r.topRight() + QPoint(1, 0), r.topRight() + QPoint(1 - side, 0), r.topRight() + QPoint(1, side)});
    painter.setPen(Qt::NoPen);
    painter.setBrush(marks_[filter].dead ? QColor(170, 60, 220) : QColor(250, 160, 30));
    painter.drawPolygon(corner);
  }
  painter.setBrush(Qt::NoBrush);
  if (show_labels_) {
    painter.setFont(font());
    const QFontMetrics metrics = painter.fontMetrics();
    for (int tile = 0; tile < tile_count(); ++tile) {
      const QString label = filter_label(view().grid.filters[tile]);
      const QRect r = tile_rect(tile);
      const QRect box(r.left(), r.top(), std::min(r.width(), metrics.horizontalAdvance(label) + 4), metrics.height());
      painter.fillRect(box, QColor(0, 0, 0, 160));
      painter.setPen(QColor(255, 255, 255));
      painter.drawText(box, Qt::AlignCenter, metrics.elidedText(label, Qt::ElideRight, box.width()));
    }
  }
  if (selected_tile_ >= 0 && selected_tile_ < tile_count()) {
    painter.setPen(QPen(QColor(255, 210, 0), 2));
    painter.drawRect(tile_rect(selected_tile_).adjusted(-1, -1, 0, 0));
  }
}

void GridView::mouseMoveEvent(QMouseEvent* event) {
  const QString text = describe(event->position().toPoint());
  setToolTip(text);
  Q_EMIT hovered(text);
  const Unit unit = unit_at(event->position().toPoint());
  Q_EMIT unitHovered(unit.filter, unit.y, unit.x);
}

void GridView::leaveEvent(QEvent* event) {
  Q_EMIT unitHovered(-1, -1, -1);
  QWidget::leaveEvent(event);
}

void GridView::mousePressEvent(QMouseEvent* event) {
  setFocus();
  select_tile(tile_at(event->position().toPoint()));
}

void GridView::mouseDoubleClickEvent(QMouseEvent* event) {
  const int tile = tile_at(event->position().toPoint());
  if (tile >= 0) Q_EMIT enlargeRequested(view().grid.filters[tile]);
}

void GridView::wheelEvent(QWheelEvent* event) {
  if (!(event->modifiers() & Qt::ControlModifier)) {
    event->ignore();  // the scroll area scrolls
    return;
  }
  set_zoom(zoom_ * (event->angleDelta().y() > 0 ? 1.25 : 0.8));
  Q_EMIT zoomedByUser();
  event->accept();
}

void GridView::keyPressEvent(QKeyEvent* event) {
  const int columns = std::max(1, columns_);  // as laid out on screen
  if (event->key() == Qt::Key_0 && event->modifiers() == Qt::ControlModifier) {
    fit();
    Q_EMIT zoomedByUser();
    return;
  }
  switch (event->key()) {
    case Qt::Key_Left:
      select_tile(selected_tile_ - 1);
      break;
    case Qt::Key_Right:
      select_tile(selected_tile_ + 1);
      break;
    case Qt::Key_Up:
      select_tile(selected_tile_ - columns);
      break;
    case Qt::Key_Down:
      select_tile(selected_tile_ + columns);
      break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      if (selected_filter() >= 0) Q_EMIT enlargeRequested(selected_filter());
      break;
    default:
      QWidget::keyPressEvent(event);
  }
}

}  // namespace actscope
