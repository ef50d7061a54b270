#include "ui/widgets/timeline_view.h"

#include <algorithm>

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

constexpr int kLeastPictureWidth = 900;  // draw_timeline's least width

}  // namespace

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMinimumSize(320, 200);
  resized_.setSingleShot(true);
  resized_.setInterval(150);
  connect(&resized_, &QTimer::timeout, this, [this] {
    if (has_picture() && wanted_width() != image_.width()) Q_EMIT pictureWidthWanted(wanted_width());
  });
}

void TimelineView::set_picture(TimelinePicture picture, QStringList names) {
  picture_ = std::move(picture);
  image_ = to_qimage(picture_.image);
  names_ = std::move(names);
  message_.clear();
  update();
}

void TimelineView::clear(const QString& message) {
  picture_ = {};
  image_ = QImage();
  names_.clear();
  message_ = message;
  marked_ = -1;
  setCursor(Qt::ArrowCursor);
  update();
}

int TimelineView::wanted_width() const { return std::max(kLeastPictureWidth, width()); }

void TimelineView::set_marked(int index) {
  marked_ = index;
  update();
}

QSize TimelineView::sizeHint() const { return {1000, 520}; }

// The picture at 1:1 when it fits, else scaled down whole; at the top left.
QRect TimelineView::picture_rect() const {
  if (image_.isNull()) return {};
  const QSize shown = image_.size().width() <= width() && image_.size().height() <= height()
                          ? image_.size()
                          : image_.size().scaled(size(), Qt::KeepAspectRatio);
  return {QPoint(0, 0), shown};
}

QPoint TimelineView::to_picture(const QPoint& position) const {
  const QRect shown = picture_rect();
  if (shown.isEmpty()) return {-1, -1};
  return {position.x() * image_.width() / shown.width(), position.y() * image_.height() / shown.height()};
}

int TimelineView::checkpoint_at_position(const QPoint& position) const {
  if (image_.isNull() || !picture_rect().contains(position)) return -1;
  const QPoint at = to_picture(position);
  return checkpoint_at(picture_, at.x(), at.y());
}

QPoint TimelineView::checkpoint_position(int index) const {
  if (image_.isNull() || picture_.panels.empty() || index < 0 ||
      index >= static_cast<int>(picture_.checkpoint_x.size())) {
    return {-1, -1};
  }
  const TimelinePicture::Box& box = picture_.panels.front();
  const QRect shown = picture_rect();
  const int x = box.left + picture_.checkpoint_x[static_cast<size_t>(index)];
  const int y = box.top + box.height / 2;
  return {x * shown.width() / image_.width(), y * shown.height() / image_.height()};
}

void TimelineView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  if (image_.isNull()) {
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  const QRect shown = picture_rect();
  painter.setRenderHint(QPainter::SmoothPixmapTransform);
  painter.drawImage(shown, image_);
  if (marked_ < 0 || marked_ >= static_cast<int>(picture_.checkpoint_x.size())) return;
  // The open checkpoint: a band across each panel at its x.
  const double scale = static_cast<double>(shown.width()) / image_.width();
  for (const TimelinePicture::Box& box : picture_.panels) {
    const double x = (box.left + picture_.checkpoint_x[static_cast<size_t>(marked_)]) * scale;
    const QRectF band(x - 7 * scale - 2, box.top * scale, 14 * scale + 4, box.height * scale);
    painter.fillRect(band, QColor(255, 140, 0, 60));
    painter.setPen(QPen(QColor(230, 110, 0), 1, Qt::DashLine));
    painter.drawLine(QPointF(x, box.top * scale), QPointF(x, (box.top + box.height) * scale));
  }
}

void TimelineView::resizeEvent(QResizeEvent*) { resized_.start(); }

void TimelineView::mouseMoveEvent(QMouseEvent* event) {
  const int index = checkpoint_at_position(event->position().toPoint());
  setCursor(index >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
  if (index >= 0 && index < names_.size()) {
    QToolTip::showText(
        event->globalPosition().toPoint(),
        tr("%1: click to open it as the model (double-click: and browse it)").arg(names_[index]), this);
  } else {
    QToolTip::hideText();
  }
}

void TimelineView::mousePressEvent(QMouseEvent* event) {
  const int index = checkpoint_at_position(event->position().toPoint());
  if (event->button() == Qt::LeftButton && index >= 0) Q_EMIT checkpointClicked(index);
}

void TimelineView::mouseDoubleClickEvent(QMouseEvent* event) {
  const int index = checkpoint_at_position(event->position().toPoint());
  if (event->button() == Qt::LeftButton && index >= 0) Q_EMIT checkpointDoubleClicked(index);
}

}  // namespace actscope
