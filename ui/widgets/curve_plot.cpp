#include "ui/widgets/curve_plot.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPainterPath>

namespace actscope {
namespace {

// The plot's box inside the widget, the axes' labels and ticks around it.
QRectF plot_box(const QRect& area, const QFontMetrics& metrics, const QString& tick) {
  const int line = metrics.height();
  const double left = line + 6 + metrics.horizontalAdvance(tick) + 6;
  const double top = line + 8;
  const double bottom = 3 * line + 14;
  const double right = metrics.horizontalAdvance(QStringLiteral("0.00")) / 2.0 + 6;
  return QRectF(area.left() + left, area.top() + top, std::max(10.0, area.width() - left - right),
                std::max(10.0, area.height() - top - bottom));
}

QString tick_text(double value) { return QString::number(value, 'f', 2); }

void draw_axes(QPainter& painter, const QRectF& box, double low, double high, const QString& x_axis,
               const QString& y_axis) {
  const QFontMetrics metrics = painter.fontMetrics();
  const QColor text = painter.pen().color();
  for (int tick = 0; tick <= 4; ++tick) {
    const double y = box.bottom() - box.height() * tick / 4.0;
    const double x = box.left() + box.width() * tick / 4.0;
    painter.setPen(QColor(225, 225, 225));
    if (tick > 0 && tick < 4) {
      painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y));
      painter.drawLine(QPointF(x, box.top()), QPointF(x, box.bottom()));
    }
    painter.setPen(text);
    const QString value = tick_text(low + (high - low) * tick / 4.0);
    painter.drawText(
        QPointF(box.left() - 4 - metrics.horizontalAdvance(value), y + metrics.ascent() / 2.0 - 1), value);
    const QString fraction = tick_text(tick / 4.0);
    painter.drawText(
        QPointF(x - metrics.horizontalAdvance(fraction) / 2.0, box.bottom() + 2 + metrics.ascent()),
        fraction);
  }
  painter.setPen(QColor(150, 150, 150));
  painter.drawRect(box);
  painter.setPen(text);
  painter.drawText(QPointF(box.center().x() - metrics.horizontalAdvance(x_axis) / 2.0,
                           box.bottom() + 4 + metrics.height() + metrics.ascent()),
                   x_axis);
  painter.save();
  painter.translate(metrics.ascent() + 2, box.center().y() + metrics.horizontalAdvance(y_axis) / 2.0);
  painter.rotate(-90);
  painter.drawText(QPointF(0, 0), y_axis);
  painter.restore();
}

void draw_line(QPainter& painter, const QRectF& box, const CurvePlot::Line& line, double low, double high) {
  QPainterPath path;
  for (size_t i = 0; i < line.xs.size() && i < line.ys.size(); ++i) {
    const double value = std::clamp(line.ys[i], low, high);
    const QPointF point(box.left() + line.xs[i] * box.width(),
                        box.bottom() - (value - low) / (high - low) * box.height());
    if (i == 0) {
      path.moveTo(point);
    } else {
      path.lineTo(point);
    }
  }
  painter.setPen(QPen(line.colour, 2, line.dashed ? Qt::DashLine : Qt::SolidLine));
  painter.drawPath(path);
}

// The names in their colours, in a row under the x axis's name.
void draw_legend(QPainter& painter, const QRectF& box, const std::vector<CurvePlot::Line>& lines) {
  const QFontMetrics metrics = painter.fontMetrics();
  double x = box.left();
  const double y = box.bottom() + 10 + 2.5 * metrics.height();
  for (const auto& line : lines) {
    painter.setPen(QPen(line.colour, 2, line.dashed ? Qt::DashLine : Qt::SolidLine));
    painter.drawLine(QPointF(x, y), QPointF(x + 22, y));
    painter.setPen(QColor(20, 20, 20));
    painter.drawText(QPointF(x + 27, y + metrics.ascent() / 2.0 - 1), line.name);
    x += 27 + metrics.horizontalAdvance(line.name) + 18;
  }
}

}  // namespace

CurvePlot::CurvePlot(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void CurvePlot::set_lines(std::vector<Line> lines, const QString& title, const QString& x_axis,
                          const QString& y_axis) {
  lines_ = std::move(lines);
  title_ = title;
  x_axis_ = x_axis;
  y_axis_ = y_axis;
  message_.clear();
  update();
}

void CurvePlot::clear(const QString& message) {
  lines_.clear();
  message_ = message;
  update();
}

QSize CurvePlot::minimumSizeHint() const {
  const QFontMetrics metrics = fontMetrics();
  return {metrics.horizontalAdvance(QStringLiteral("fraction of pixels deleted")) + 80, 8 * metrics.height()};
}

QSize CurvePlot::sizeHint() const { return {360, 260}; }

void CurvePlot::y_range(double& low, double& high) const {
  low = 0.0, high = 1.0;
  for (const Line& line : lines_) {
    for (double value : line.ys) {
      if (std::isfinite(value)) low = std::min(low, value), high = std::max(high, value);
    }
  }
  if (high <= low) high = low + 1.0;
}

void CurvePlot::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), Qt::white);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setPen(QColor(20, 20, 20));
  if (lines_.empty()) {
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  double low = 0.0, high = 1.0;
  y_range(low, high);
  const QFontMetrics metrics = painter.fontMetrics();
  const QRectF box = plot_box(
      rect(), metrics, tick_text(low).size() > tick_text(high).size() ? tick_text(low) : tick_text(high));
  painter.drawText(QRectF(box.left(), 2, width() - box.left() - 4, metrics.height() + 4),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   metrics.elidedText(title_, Qt::ElideRight, width() - box.left() - 4));
  draw_axes(painter, box, low, high, x_axis_, y_axis_);
  painter.save();
  painter.setClipRect(box.adjusted(-1, -1, 1, 1));
  for (const Line& line : lines_) draw_line(painter, box, line, low, high);
  painter.restore();
  draw_legend(painter, box, lines_);
}

}  // namespace actscope
