// A small field shown in its image's context: the whole image enlarged by a
// whole factor, its pixels kept, and a yellow box a pixel outside the
// unit's field, computed here from the field's start and stride.
#include "core/atlas/crops.h"

#include <gtest/gtest.h>

namespace actscope {
namespace {

RgbImage numbered_image(int width, int height) {
  RgbImage image{width, height, {}};
  for (int i = 0; i < width * height; ++i) image.pixels.insert(image.pixels.end(), {uint8_t(i), uint8_t(i / 2), 7});
  return image;
}

ReceptiveField spatial(int64_t size, int64_t stride, int64_t start, int64_t units, int64_t extent) {
  ReceptiveField field;
  field.kind = ReceptiveField::Kind::kSpatial;
  for (FieldAxis* axis : {&field.rows, &field.cols}) {
    axis->size = size;
    axis->stride = stride;
    axis->start = start;
    axis->units = units;
    axis->reach_first = 0;
    axis->reach_last = extent - 1;
  }
  return field;
}

bool yellow(const RgbImage& image, int row, int column) {
  const uint8_t* pixel = image.pixels.data() + (static_cast<size_t>(row) * image.width + column) * 3;
  return pixel[0] == 255 && pixel[1] == 210 && pixel[2] == 0;
}

TEST(CropsTest, ASmallFieldIsBoxedOnItsWholeImage) {
  const RgbImage image = numbered_image(12, 10);
  // 3x3 fields with stride 2 starting at -1 (padding 1): unit (2, 3) sees rows 3..5, columns 5..7.
  const ReceptiveField field = spatial(3, 2, -1, 6, 12);
  const RgbImage shown = field_in_context(image, field, 2, 3, 48);
  const int factor = 4;  // the smallest whole factor giving 48 pixels on the longer side (12)
  ASSERT_EQ(shown.width, 12 * factor);
  ASSERT_EQ(shown.height, 10 * factor);
  // The box: a pixel outside the enlarged field, rows 3..5 -> 12..23, columns 5..7 -> 20..31.
  for (int column = 19; column <= 32; ++column) {
    EXPECT_TRUE(yellow(shown, 11, column)) << column;
    EXPECT_TRUE(yellow(shown, 24, column)) << column;
  }
  for (int row = 11; row <= 24; ++row) {
    EXPECT_TRUE(yellow(shown, row, 19)) << row;
    EXPECT_TRUE(yellow(shown, row, 32)) << row;
  }
  // Elsewhere the image's own pixels, each a factor x factor block.
  for (int row : {0, 12, 23, 39}) {
    for (int column : {0, 20, 31, 47}) {
      const size_t at = (static_cast<size_t>(row) * shown.width + column) * 3;
      const size_t from = (static_cast<size_t>(row / factor) * image.width + column / factor) * 3;
      EXPECT_EQ(shown.pixels[at], image.pixels[from]) << row << "," << column;
      EXPECT_EQ(shown.pixels[at + 1], image.pixels[from + 1]) << row << "," << column;
    }
  }
  EXPECT_EQ(field_size(field, 12, 10), std::make_pair(3, 3));
}

TEST(CropsTest, ABoxAtTheEdgeIsClippedAndAGlobalFieldCoversTheImage) {
  const RgbImage image = numbered_image(8, 8);
  const ReceptiveField field = spatial(3, 1, -1, 8, 8);  // unit (0, 0) sees -1..1: partly outside
  const RgbImage shown = field_in_context(image, field, 0, 0, 16);
  ASSERT_EQ(shown.width, 16);
  EXPECT_TRUE(yellow(shown, 4, 0));  // the bottom line of the box (rows -1..1 -> -2..3, line at 4)
  EXPECT_TRUE(yellow(shown, 0, 4));  // its right line
  EXPECT_FALSE(yellow(shown, 8, 8));
  ReceptiveField global;
  global.kind = ReceptiveField::Kind::kGlobal;
  EXPECT_EQ(field_size(global, 8, 6), std::make_pair(8, 6));
}

}  // namespace
}  // namespace actscope
