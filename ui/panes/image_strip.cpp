#include "ui/panes/image_strip.h"

#include <QContextMenuEvent>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QSignalBlocker>

#include "ui/widgets/pixmap.h"

namespace actscope {

ImageStrip::ImageStrip(QWidget* parent) : QListWidget(parent) {
  setObjectName(QStringLiteral("imageStrip"));
  setViewMode(QListView::IconMode);
  setFlow(QListView::LeftToRight);
  setWrapping(false);
  setIconSize(QSize(72, 72));
  setMovement(QListView::Static);
  setSpacing(4);
  setFixedHeight(156);
  setToolTip(tr("The open images: click one to see it; Delete removes it; right-click for more"));
  connect(this, &QListWidget::currentRowChanged, this, &ImageStrip::imageChosen);
}

void ImageStrip::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Delete && currentRow() >= 0) {
    Q_EMIT removeRequested(currentRow());
    return;
  }
  QListWidget::keyPressEvent(event);
}

void ImageStrip::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  const int row = indexAt(event->pos()).row();
  QAction* remove = menu.addAction(tr("Remove This Image"));
  remove->setEnabled(row >= 0);
  QAction* clear = menu.addAction(tr("Clear All Images"));
  clear->setEnabled(count() > 0);
  QAction* chosen = menu.exec(event->globalPos());
  if (chosen == remove) Q_EMIT removeRequested(row);
  if (chosen == clear) Q_EMIT clearRequested();
}

void ImageStrip::show_images(const ModelCard& card, const std::vector<LoadedImage>& images) {
  const QSignalBlocker block(this);
  clear();
  for (const auto& image : images) add_image(card, image);
}

void ImageStrip::add_image(const ModelCard& card, const LoadedImage& image) {
  const QSignalBlocker block(this);
  auto* item = new QListWidgetItem(this);
  item->setIcon(QIcon(scaled_pixmap(image.input.display, 72, Qt::FastTransformation)));
  item->setToolTip(QString::fromStdString(image.input.name));
  describe(item, card, image);
}

void ImageStrip::update_image(int index, const ModelCard& card, const LoadedImage& image) {
  if (QListWidgetItem* row = item(index)) describe(row, card, image);
}

void ImageStrip::set_current(int index) {
  if (currentRow() == index) return;
  const QSignalBlocker block(this);
  setCurrentRow(index);
}

// The caption: file name, predicted class and confidence, and the true class
// when known (misclassified images in red).
void ImageStrip::describe(QListWidgetItem* item, const ModelCard& card, const LoadedImage& image) {
  QString caption = QFileInfo(QString::fromStdString(image.input.name)).fileName();
  if (!image.top.empty()) {
    caption += QStringLiteral("\n%1 (%2%)")
                   .arg(QString::fromStdString(card.label(image.top[0].class_index)))
                   .arg(image.top[0].probability * 100.0, 0, 'f', 1);
  }
  if (image.true_class >= 0) {
    caption += image.misclassified()
                   ? tr("\ntrue: %1").arg(QString::fromStdString(card.label(image.true_class)))
                   : tr("\ncorrect");
  }
  item->setText(caption);
  item->setForeground(image.misclassified() ? QBrush(QColor(200, 40, 40)) : palette().text());
  item->setData(kClassRole, image.top.empty() ? -1 : image.top[0].class_index);
}

}  // namespace actscope
