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
#include <QScrollArea>
#include <QString>
#include <QStringList>
#include <QTest>

#include "core/base/rgb_image.h"
#include "core/model/model_card.h"
#include "ui/widgets/grid_view.h"

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

// The tiles of `grid` that are not wholly inside the visible part of the
// scroll area the grid sits in ("tile 12 at 400,20 60x60 outside 300x200"):
// empty when every tile is in sight without scrolling.
inline QStringList tiles_out_of_sight(const GridView& grid) {
  QStringList out;
  auto* area = qobject_cast<QScrollArea*>(grid.parentWidget() ? grid.parentWidget()->parentWidget() : nullptr);
  if (!area || !grid.has_view()) return {QStringLiteral("no scroll area or no grid")};
  const QRect visible = area->viewport()->rect();
  for (int tile = 0; tile < grid.tile_count(); ++tile) {
    const QRect rect = grid.tile_rect(tile).translated(grid.mapTo(area->viewport(), QPoint(0, 0)));
    if (!visible.contains(rect)) {
      out << QStringLiteral("tile %1 at %2,%3 %4x%5 outside %6x%7")
                 .arg(tile)
                 .arg(rect.x())
                 .arg(rect.y())
                 .arg(rect.width())
                 .arg(rect.height())
                 .arg(visible.width())
                 .arg(visible.height());
    }
  }
  return out;
}

}  // namespace actscope::test
