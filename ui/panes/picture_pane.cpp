#include "ui/panes/picture_pane.h"

#include <QEvent>
#include <QLabel>
#include <QMouseEvent>

namespace actscope {

PicturePane::PicturePane(const QString& label_name, const QString& message, QWidget* parent)
    : QScrollArea(parent), label_(new QLabel(message)) {
  label_->setObjectName(label_name);
  label_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  setWidget(label_);
  setWidgetResizable(false);
  setAlignment(Qt::AlignLeft | Qt::AlignTop);
  label_->setMouseTracking(true);
  label_->installEventFilter(this);
}

bool PicturePane::eventFilter(QObject* watched, QEvent* event) {
  if (watched != label_) return false;
  const QPixmap picture = label_->pixmap();
  if (event->type() == QEvent::Leave && !picture.isNull()) Q_EMIT pointHovered(-1.0, -1.0);
  if (event->type() != QEvent::MouseMove || picture.isNull()) return false;
  // The picture sits at the label's top left (alignment above).
  const QPointF at = static_cast<QMouseEvent*>(event)->position();
  const QSizeF size = picture.deviceIndependentSize();
  if (at.x() < 0 || at.y() < 0 || at.x() >= size.width() || at.y() >= size.height()) {
    Q_EMIT pointHovered(-1.0, -1.0);
  } else {
    Q_EMIT pointHovered(at.x() / size.width(), at.y() / size.height());
  }
  return false;
}

void PicturePane::show_picture(const QPixmap& picture, const QString& tooltip) {
  label_->setPixmap(picture);
  label_->setToolTip(tooltip);
  label_->adjustSize();
}

void PicturePane::show_message(const QString& message) {
  label_->setPixmap({});
  label_->setToolTip({});  // it described the picture
  label_->setText(message);
  label_->adjustSize();
}

}  // namespace actscope
