// Small helpers for the tests that build one pane alone: plain data to feed
// it (a card with labels, a plain picture) and widgets found or clicked as a
// user would.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <QImage>
#include <QListWidget>
#include <QString>
#include <QTest>

#include "core/base/rgb_image.h"
#include "core/model/model_card.h"

namespace actscope::test {

// A 1-channel 28x28 card named `name` with `labels` as class names.
inline ModelCard labelled_card(std::vector<std::string> labels, const std::string& name = "cards") {
  ModelCard card;
  card.name = name;
  card.channels = 1;
  card.height = 28;
  card.width = 28;
  card.labels = std::move(labels);
  return card;
}

// A `width` x `height` picture of one gray `level`.
inline RgbImage gray_image(int width, int height, uint8_t level) {
  return RgbImage{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3, level)};
}

// The picture written at `path`, read back as 8-bit RGB (empty when unreadable).
inline RgbImage read_rgb(const QString& path) {
  const QImage image = QImage(path).convertToFormat(QImage::Format_RGB888);
  RgbImage rgb{image.width(), image.height(), {}};
  rgb.pixels.resize(static_cast<size_t>(image.width()) * image.height() * 3);
  for (int y = 0; y < image.height(); ++y) {
    std::memcpy(rgb.pixels.data() + static_cast<size_t>(y) * image.width() * 3, image.constScanLine(y),
                static_cast<size_t>(image.width()) * 3);
  }
  return rgb;
}

// The child of `parent` named `name`, failing the test when there is none.
template <typename Widget>
Widget* named(const QObject& parent, const char* name) {
  auto* widget = parent.findChild<Widget*>(QString::fromLatin1(name));
  EXPECT_NE(widget, nullptr) << "no widget named " << name;
  return widget;
}

// Clicks row `row` of `list` as the user would (the list must be shown).
inline void click_row(QListWidget* list, int row) {
  QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(row)).center());
}

}  // namespace actscope::test
