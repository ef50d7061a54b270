#include "ui/panes/picture_pane.h"

#include <QLabel>

namespace actscope {

PicturePane::PicturePane(const QString& label_name, const QString& message, QWidget* parent)
    : QScrollArea(parent), label_(new QLabel(message)) {
  label_->setObjectName(label_name);
  label_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  setWidget(label_);
  setWidgetResizable(false);
  setAlignment(Qt::AlignLeft | Qt::AlignTop);
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
