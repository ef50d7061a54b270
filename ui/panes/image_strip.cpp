#include "ui/panes/image_strip.h"

#include <QContextMenuEvent>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QSignalBlocker>
#include <QStyle>

#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

constexpr int kThumbnail = 40;  // pixels: one thin row
constexpr int kFrame = 3;       // the red frame of a misclassified image

// The image's thumbnail on a square canvas, framed in red when the model gets it wrong.
QPixmap thumbnail(const LoadedImage& image) {
  QPixmap canvas(kThumbnail, kThumbnail);
  canvas.fill(QColor(40, 40, 40));
  QPainter painter(&canvas);
  const QPixmap picture = scaled_pixmap(image.input.display, kThumbnail, Qt::FastTransformation);
  painter.drawPixmap((kThumbnail - picture.width()) / 2, (kThumbnail - picture.height()) / 2, picture);
  if (image.misclassified()) {
    painter.setPen(QPen(QColor(220, 40, 40), kFrame));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(kFrame / 2.0, kFrame / 2.0, kThumbnail - kFrame, kThumbnail - kFrame));
  }
  return canvas;
}

}  // namespace

ImageStrip::ImageStrip(QWidget* parent) : QListWidget(parent) {
  setObjectName(QStringLiteral("imageStrip"));
  setViewMode(QListView::IconMode);
  setFlow(QListView::LeftToRight);
  setWrapping(false);
  setIconSize(QSize(kThumbnail, kThumbnail));
  setGridSize(QSize(kThumbnail + 6, kThumbnail + 4));
  setMovement(QListView::Static);
  setUniformItemSizes(true);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);  // a fixed height whatever the count
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setFixedHeight(kThumbnail + 6 + 2 * frameWidth() + style()->pixelMetric(QStyle::PM_ScrollBarExtent));
  setToolTip(tr("The open images (red frame: the model gets it wrong; hover one for its name and prediction): "
                "click one to see it; Delete removes it; right-click for more"));
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

// The thumbnail (framed in red when misclassified) and, on hover, the
// caption: file name, predicted class and confidence, and the true class
// when known, then the whole path.
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
  item->setIcon(QIcon(thumbnail(image)));
  item->setData(kCaptionRole, caption);
  item->setData(kMisclassifiedRole, image.misclassified());
  const QString path = QString::fromStdString(image.input.name);
  item->setToolTip(path == QFileInfo(path).fileName() ? caption : caption + QLatin1Char('\n') + path);
  item->setData(kClassRole, image.top.empty() ? -1 : image.top[0].class_index);
}

}  // namespace actscope
