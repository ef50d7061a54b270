// ImageStrip: the open images as one thin row of thumbnails along the bottom
// (misclassified images framed in red), each with its file name, predicted
// class and confidence, and its true class when known on hover. Choosing one
// emits imageChosen; Delete or the context menu asks to remove one or all.
#pragma once

#include <vector>

#include <QListWidget>

#include "core/data/loaded_images.h"
#include "core/model/model_card.h"

namespace actscope {

class ImageStrip : public QListWidget {
  Q_OBJECT

 public:
  // Items' Qt::UserRole: the predicted class index (-1: none).
  static constexpr int kClassRole = Qt::UserRole;
  // The caption shown on hover ("boot.png\ndog (50.0%)\ncorrect") and whether
  // the model gets the image wrong.
  static constexpr int kCaptionRole = Qt::UserRole + 1;
  static constexpr int kMisclassifiedRole = Qt::UserRole + 2;

  explicit ImageStrip(QWidget* parent = nullptr);

  // Shows `images`, named with `card`'s labels; none is current.
  void show_images(const ModelCard& card, const std::vector<LoadedImage>& images);
  // Appends `image`, or describes item `index` again (its true class became known).
  void add_image(const ModelCard& card, const LoadedImage& image);
  void update_image(int index, const ModelCard& card, const LoadedImage& image);
  // Marks image `index` as current without emitting imageChosen.
  void set_current(int index);

 Q_SIGNALS:
  void imageChosen(int index);
  // The user asked to remove image `index` (Delete, or the context menu) or all of them.
  void removeRequested(int index);
  void clearRequested();

 protected:
  void keyPressEvent(QKeyEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  void describe(QListWidgetItem* item, const ModelCard& card, const LoadedImage& image);
};

}  // namespace actscope
