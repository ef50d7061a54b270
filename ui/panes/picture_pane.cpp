#include "ui/panes/picture_pane.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace actscope {

PicturePane::PicturePane(const QString& label_name, const QString& message, QWidget* parent)
    : QWidget(parent),
      area_(new QScrollArea),
      body_(new QHBoxLayout),
      label_(new QLabel(message)),
      fit_(new QToolButton),
      actual_(new QToolButton) {
  label_->setObjectName(label_name);
  label_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  area_->setWidget(label_);
  area_->setWidgetResizable(false);
  area_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  fit_->setObjectName(label_name + QStringLiteral("Fit"));
  fit_->setText(tr("Fit"));
  fit_->setCheckable(true);
  fit_->setToolTip(tr("Fit the picture to the pane"));
  actual_->setObjectName(label_name + QStringLiteral("Actual"));
  actual_->setText(tr("1:1"));
  actual_->setToolTip(tr("Show the picture at its own size (one screen pixel per pixel)"));
  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(4, 2, 4, 0);
  buttons->addWidget(fit_);
  buttons->addWidget(actual_);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(buttons);
  body_->setContentsMargins(0, 0, 0, 0);
  body_->addWidget(area_, 1);
  layout->addLayout(body_, 1);
  connect(fit_, &QToolButton::toggled, this, [this] { draw(); });
  connect(actual_, &QToolButton::clicked, this, [this] { set_fit(false); });
  label_->setMouseTracking(true);
  label_->installEventFilter(this);
}

void PicturePane::add_beside(QWidget* side) { body_->addWidget(side, 0); }

void PicturePane::set_fit(bool fit) {
  fit_->setChecked(fit);
  draw();
}

bool PicturePane::fits() const { return fit_->isChecked(); }

void PicturePane::draw() {
  if (picture_.isNull()) return;
  if (!fit_->isChecked()) {
    label_->setPixmap(picture_);
  } else {
    // Whole pixels stay sharp squares when enlarged.
    const QSize room = picture_room();
    label_->setPixmap(picture_.scaled(room.expandedTo(QSize(16, 16)), Qt::KeepAspectRatio, Qt::FastTransformation));
  }
  label_->adjustSize();
}

QSize PicturePane::shown_size() const { return label_->pixmap().size(); }

QSize PicturePane::picture_room() const { return area_->maximumViewportSize() - QSize(2, 2); }

void PicturePane::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  if (fit_->isChecked()) draw();
}

// A hidden tab does not know its size: fit again once it shows.
void PicturePane::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (fit_->isChecked()) draw();
}

bool PicturePane::eventFilter(QObject* watched, QEvent* event) {
  if (watched != label_) return false;
  const QPixmap picture = label_->pixmap();
  if (event->type() == QEvent::Leave && !picture.isNull()) Q_EMIT pointHovered(-1.0, -1.0);
  const bool moved = event->type() == QEvent::MouseMove;
  const bool double_clicked = event->type() == QEvent::MouseButtonDblClick;
  if ((!moved && !double_clicked) || picture.isNull()) return false;
  // The picture sits at the label's top left (alignment above).
  const QPointF at = static_cast<QMouseEvent*>(event)->position();
  const QSizeF size = picture.deviceIndependentSize();
  const bool inside = at.x() >= 0 && at.y() >= 0 && at.x() < size.width() && at.y() < size.height();
  if (double_clicked) {
    if (inside) Q_EMIT pointDoubleClicked(at.x() / size.width(), at.y() / size.height());
  } else if (!inside) {
    Q_EMIT pointHovered(-1.0, -1.0);
  } else {
    Q_EMIT pointHovered(at.x() / size.width(), at.y() / size.height());
  }
  return false;
}

void PicturePane::show_picture(const QPixmap& picture, const QString& tooltip) {
  picture_ = picture;
  label_->setToolTip(tooltip);
  draw();
}

void PicturePane::set_hover_text(const QString& text) { label_->setToolTip(text); }

void PicturePane::show_message(const QString& message) {
  picture_ = QPixmap();
  label_->setPixmap({});
  label_->setToolTip({});  // it described the picture
  label_->setText(message);
  label_->adjustSize();
}

}  // namespace actscope
