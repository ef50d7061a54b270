#include "ui/panes/cam_methods_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "ui/widgets/pixmap.h"

namespace actscope {

CamMethodsView::CamMethodsView(QWidget* parent)
    : QDialog(parent),
      caption_(new QLabel),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      actual_size_(new QCheckBox(tr("1:1"))),
      scroll_(new QScrollArea),
      picture_(new QLabel) {
  setObjectName(QStringLiteral("camMethodsView"));
  setWindowTitle(tr("Every CAM method"));
  caption_->setObjectName(QStringLiteral("camMethodsCaption"));
  caption_->setWordWrap(true);
  progress_->setObjectName(QStringLiteral("camMethodsProgress"));
  cancel_->setObjectName(QStringLiteral("camMethodsCancel"));
  cancel_->setToolTip(tr("Stop computing the maps"));
  actual_size_->setObjectName(QStringLiteral("camMethodsActualSize"));
  actual_size_->setToolTip(tr("Show the sheet pixel for pixel instead of fitted to the window"));
  picture_->setObjectName(QStringLiteral("camMethodsSheet"));
  picture_->setAlignment(Qt::AlignCenter);
  scroll_->setWidget(picture_);
  scroll_->setWidgetResizable(true);
  auto* top = new QHBoxLayout;
  top->addWidget(progress_, 1);
  top->addWidget(cancel_);
  top->addWidget(actual_size_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(caption_);
  layout->addWidget(scroll_, 1);
  connect(cancel_, &QPushButton::clicked, this, &CamMethodsView::cancelRequested);
  connect(actual_size_, &QCheckBox::toggled, this, &CamMethodsView::draw);
  resize(900, 420);
}

void CamMethodsView::show_running(const QString& what) {
  sheet_ = QImage();
  picture_->setPixmap({});
  caption_->setText(what);
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
}

void CamMethodsView::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
}

void CamMethodsView::show_sheet(const RgbImage& sheet, const QString& notes) {
  progress_->hide();
  cancel_->hide();
  sheet_ = to_qimage(sheet);
  if (!notes.isEmpty()) caption_->setText(caption_->text() + QStringLiteral("\n") + notes);
  draw();
}

void CamMethodsView::show_message(const QString& message) {
  progress_->hide();
  cancel_->hide();
  caption_->setText(message);
}

void CamMethodsView::resizeEvent(QResizeEvent* event) {
  QDialog::resizeEvent(event);
  draw();
}

// Fitted: scaled to the scroll area keeping the aspect ratio; 1:1: as computed.
void CamMethodsView::draw() {
  if (sheet_.isNull()) return;
  if (actual_size_->isChecked()) {
    picture_->setPixmap(QPixmap::fromImage(sheet_));
    return;
  }
  const QSize room = scroll_->viewport()->size() - QSize(4, 4);
  picture_->setPixmap(QPixmap::fromImage(sheet_.scaled(room, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

}  // namespace actscope
