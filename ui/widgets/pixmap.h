// Core's RGB images as Qt images and pixmaps, shared by the panels.
#pragma once

#include <QImage>
#include <QPixmap>

#include "core/model/image_input.h"

namespace actscope {

// A deep copy of `image` (the QImage owns its pixels).
inline QImage to_qimage(const RgbImage& image) {
  return QImage(image.pixels.data(), image.width, image.height, image.width * 3, QImage::Format_RGB888)
      .copy();
}

// `image` scaled to fit a `size` x `size` square, keeping its aspect ratio.
inline QPixmap scaled_pixmap(const RgbImage& image, int size,
                             Qt::TransformationMode mode = Qt::SmoothTransformation) {
  if (image.width == 0) return {};
  // A copy first: scaled() to the same size would share `image`'s pixels.
  return QPixmap::fromImage(to_qimage(image).scaled(size, size, Qt::KeepAspectRatio, mode));
}

}  // namespace actscope
