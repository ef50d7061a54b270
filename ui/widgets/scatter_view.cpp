#include "ui/widgets/scatter_view.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QWheelEvent>

#include "core/embed/embedding_plot.h"

namespace actscope {
namespace {

constexpr int kMargin = 16;
constexpr double kPickRadius = 6.0;
constexpr int kDragThreshold = 4;
constexpr int kThumbnail = 96;

}  // namespace

ScatterView::ScatterView(QWidget* parent) : QWidget(parent), band_(new QRubberBand(QRubberBand::Rectangle, this)) {
  setMouseTracking(true);
  setMinimumSize(240, 180);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAutoFillBackground(true);
  QPalette colours = palette();
  colours.setColor(QPalette::Window, Qt::white);
  setPalette(colours);
}

void ScatterView::set_points(std::vector<float> layout, std::vector<QColor> colours, std::vector<bool> marked) {
  const bool same_points = layout.size() == layout_.size();
  layout_ = std::move(layout);
  colours_ = std::move(colours);
  marked_ = std::move(marked);
  if (!same_points) {
    selection_.clear();
    hovered_ = -1;
    hover_text_.clear();
    hover_picture_ = QImage();
    fitted_ = true;
  }
  if (fitted_) fit();
  update();
}

void ScatterView::set_legend(std::vector<QString> names, std::vector<QColor> colours, const QString& marked_name) {
  legend_names_ = std::move(names);
  legend_colours_ = std::move(colours);
  marked_name_ = marked_name;
  if (fitted_) fit();
  update();
}

void ScatterView::set_hover_card(int index, const QImage& picture, const QString& text) {
  if (index != hovered_ && index >= 0) return;  // the cursor has moved on
  hover_picture_ = picture;
  hover_text_ = text;
  update();
}

void ScatterView::set_selection(std::vector<int> indices) {
  selection_ = std::move(indices);
  update();
}

QRectF ScatterView::bounds() const {
  const LayoutBounds box = layout_bounds(layout_);
  return QRectF(box.left, box.top, std::max(box.right - box.left, 1e-12), std::max(box.bottom - box.top, 1e-12));
}

int ScatterView::legend_width() const {
  if (legend_names_.empty()) return 0;
  const QFontMetrics metrics(font());
  int width = metrics.horizontalAdvance(marked_name_);
  for (const QString& name : legend_names_) width = std::max(width, metrics.horizontalAdvance(name));
  const auto count = static_cast<int>(legend_names_.size());
  if (count > 20) width = std::max(width, metrics.horizontalAdvance(tr("+%1 more classes").arg(count)));
  return width + 34;
}

void ScatterView::fit() {
  const QRectF box = bounds();
  // The legend keeps a column of its own on the right: no point hides under it.
  const double width = std::max(1, this->width() - 2 * kMargin - legend_width());
  const double height = std::max(1, this->height() - 2 * kMargin);
  scale_ = std::min(width / box.width(), height / box.height());
  offset_ = QPointF(kMargin + (width - box.width() * scale_) / 2 - box.left() * scale_,
                    kMargin + (height - box.height() * scale_) / 2 - box.top() * scale_);
  fitted_ = true;
  update();
}

void ScatterView::zoom_by(double factor, QPointF anchor) {
  const QPointF at = (anchor - offset_) / scale_;
  scale_ *= factor;
  offset_ = anchor - at * scale_;
  fitted_ = false;
  update();
}

QPointF ScatterView::point_position(int index) const {
  return {layout_[2 * static_cast<size_t>(index)] * scale_ + offset_.x(),
          layout_[2 * static_cast<size_t>(index) + 1] * scale_ + offset_.y()};
}

int ScatterView::point_at(QPointF position) const {
  int best = -1;
  double best_d2 = kPickRadius * kPickRadius;
  for (int i = 0; i < count(); ++i) {
    const QPointF d = point_position(i) - position;
    const double d2 = d.x() * d.x() + d.y() * d.y();
    if (d2 <= best_d2) best = i, best_d2 = d2;
  }
  return best;
}

void ScatterView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const double radius = count() > 20000 ? 1.5 : count() > 3000 ? 2.5 : 3.5;
  painter.setPen(Qt::NoPen);
  for (int i = 0; i < count(); ++i) {
    if (i < static_cast<int>(marked_.size()) && marked_[static_cast<size_t>(i)]) continue;
    painter.setBrush(i < static_cast<int>(colours_.size()) ? colours_[static_cast<size_t>(i)] : QColor(Qt::gray));
    painter.drawEllipse(point_position(i), radius, radius);
  }
  const double arm = radius + 1.5;
  for (int i = 0; i < count() && i < static_cast<int>(marked_.size()); ++i) {
    if (!marked_[static_cast<size_t>(i)]) continue;
    const QPointF p = point_position(i);
    for (const auto& [colour, width] : {std::pair<QColor, double>{QColor(20, 20, 20), 3.0},
                                        {colours_[static_cast<size_t>(i)], 1.4}}) {
      painter.setPen(QPen(colour, width));
      painter.drawLine(p + QPointF(-arm, -arm), p + QPointF(arm, arm));
      painter.drawLine(p + QPointF(-arm, arm), p + QPointF(arm, -arm));
    }
  }
  painter.setBrush(Qt::NoBrush);
  painter.setPen(QPen(QColor(0, 0, 0, 140), 1.0));
  for (int i : selection_) {
    if (i >= 0 && i < count()) painter.drawEllipse(point_position(i), radius + 3, radius + 3);
  }
  if (hovered_ >= 0 && hovered_ < count()) {
    painter.setPen(QPen(QColor(0, 0, 0), 2));
    painter.drawEllipse(point_position(hovered_), radius + 4, radius + 4);
  }
  draw_legend(painter);
  draw_hover_card(painter);
}

void ScatterView::draw_legend(QPainter& painter) const {
  if (legend_names_.empty()) return;
  const QFontMetrics metrics(font());
  const int line = metrics.height() + 2;
  const int width = legend_width() - 34;
  // As many classes as fit the view's height, then a line saying how many more.
  const int marked_rows = marked_name_.isEmpty() ? 0 : 1;
  const int fitting = std::max(1, (height() - 20) / line - marked_rows);
  const int total = static_cast<int>(legend_names_.size());
  const int shown = total <= fitting ? total : fitting - 1;
  const int rows = shown + (shown < total ? 1 : 0) + marked_rows;
  const QRect box(this->width() - width - 40, 6, width + 34, rows * line + 8);
  painter.setPen(QColor(200, 200, 200));
  painter.setBrush(QColor(255, 255, 255, 230));
  painter.drawRect(box);
  int y = box.top() + 4;
  for (size_t i = 0; i < static_cast<size_t>(shown); ++i, y += line) {
    painter.setPen(Qt::NoPen);
    painter.setBrush(i < legend_colours_.size() ? legend_colours_[i] : QColor(Qt::gray));
    painter.drawEllipse(QPointF(box.left() + 12, y + line / 2.0), 5, 5);
    painter.setPen(QColor(20, 20, 20));
    painter.drawText(QRect(box.left() + 24, y, width + 8, line), Qt::AlignVCenter, legend_names_[i]);
  }
  if (shown < total) {
    painter.setPen(QColor(20, 20, 20));
    painter.drawText(QRect(box.left() + 24, y, width + 8, line), Qt::AlignVCenter,
                     tr("+%1 more classes").arg(total - shown));
    y += line;
  }
  if (!marked_name_.isEmpty()) {
    const QPointF p(box.left() + 12, y + line / 2.0);
    painter.setPen(QPen(QColor(20, 20, 20), 2));
    painter.drawLine(p + QPointF(-5, -5), p + QPointF(5, 5));
    painter.drawLine(p + QPointF(-5, 5), p + QPointF(5, -5));
    painter.drawText(QRect(box.left() + 24, y, width + 8, line), Qt::AlignVCenter, marked_name_);
  }
}

void ScatterView::draw_hover_card(QPainter& painter) const {
  if (hovered_ < 0 || hovered_ >= count() || (hover_text_.isEmpty() && hover_picture_.isNull())) return;
  const QFontMetrics metrics(font());
  const QStringList lines = hover_text_.split(QLatin1Char('\n'));
  int text_width = 0;
  for (const QString& line : lines) text_width = std::max(text_width, metrics.horizontalAdvance(line));
  const int picture = hover_picture_.isNull() ? 0 : kThumbnail;
  const QSize size(std::max(picture, text_width) + 12, picture + static_cast<int>(lines.size()) * metrics.height() + 14);
  const QPointF at = point_position(hovered_);
  QPoint corner(static_cast<int>(at.x()) + 12, static_cast<int>(at.y()) + 12);
  corner.setX(std::clamp(corner.x(), 0, std::max(0, width() - size.width())));
  if (corner.y() + size.height() > height()) corner.setY(static_cast<int>(at.y()) - 12 - size.height());
  corner.setY(std::max(0, corner.y()));
  const QRect card(corner, size);
  painter.setPen(QColor(120, 120, 120));
  painter.setBrush(QColor(255, 255, 240));
  painter.drawRect(card);
  if (picture > 0) {
    painter.drawImage(QRect(card.left() + 6, card.top() + 6, kThumbnail, kThumbnail),
                      hover_picture_.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::FastTransformation));
  }
  painter.setPen(QColor(20, 20, 20));
  int y = card.top() + 8 + picture;
  for (const QString& line : lines) {
    painter.drawText(QPoint(card.left() + 6, y + metrics.ascent()), line);
    y += metrics.height();
  }
}

void ScatterView::wheelEvent(QWheelEvent* event) {
  zoom_by(std::pow(1.0015, event->angleDelta().y()), event->position());
  event->accept();
}

void ScatterView::mousePressEvent(QMouseEvent* event) {
  press_ = event->pos();
  if (hovered_ >= 0) {  // the card would cover what is being dragged over
    hovered_ = -1;
    update();
    Q_EMIT pointHovered(-1);
  }
  if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
    panning_ = true;
    pan_from_ = event->position();
    setCursor(Qt::ClosedHandCursor);
  } else if (event->button() == Qt::LeftButton) {
    band_->setGeometry(QRect(press_, QSize()));
  }
}

void ScatterView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    offset_ += event->position() - pan_from_;
    pan_from_ = event->position();
    fitted_ = false;
    update();
    return;
  }
  if (event->buttons() & Qt::LeftButton) {
    if ((event->pos() - press_).manhattanLength() >= kDragThreshold) {
      band_->setGeometry(QRect(press_, event->pos()).normalized());
      band_->show();
    }
    return;
  }
  const int hovered = point_at(event->position());
  if (hovered == hovered_) return;
  hovered_ = hovered;
  hover_picture_ = QImage();
  hover_text_.clear();
  update();
  Q_EMIT pointHovered(hovered);
}

void ScatterView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_) {
    panning_ = false;
    unsetCursor();
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  if (band_->isVisible()) {
    band_->hide();
    const QRectF area = band_->geometry();
    std::vector<int> chosen;
    for (int i = 0; i < count(); ++i) {
      if (area.contains(point_position(i))) chosen.push_back(i);
    }
    set_selection(chosen);
    Q_EMIT selectionMade(chosen);
    return;
  }
  if (const int picked = point_at(event->position()); picked >= 0) Q_EMIT pointClicked(picked);
}

void ScatterView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (const int picked = point_at(event->position()); picked >= 0) {
    Q_EMIT pointDoubleClicked(picked);
  } else {
    fit();
  }
}

void ScatterView::leaveEvent(QEvent*) {
  if (hovered_ < 0) return;
  hovered_ = -1;
  update();
  Q_EMIT pointHovered(-1);
}

void ScatterView::resizeEvent(QResizeEvent*) {
  if (fitted_) fit();
}

}  // namespace actscope
