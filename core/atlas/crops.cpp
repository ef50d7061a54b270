#include "core/atlas/crops.h"

#include <algorithm>
#include <cmath>

namespace actscope {
namespace {

constexpr uint8_t kGapGray = 40;
constexpr int kGap = 2;

// The window of unit `index` along `axis` (unclipped) and the positions of
// it the layer really sees (within the image of `extent` pixels).
struct Window {
  int64_t first = 0;  // the window's first input position
  int64_t size = 0;
  int64_t seen_first = 0;  // what it sees, clipped; empty when seen_last < seen_first
  int64_t seen_last = -1;
};

Window window_of(const ReceptiveField& field, bool rows, int64_t index, int64_t extent) {
  if (field.kind != ReceptiveField::Kind::kSpatial) return {0, extent, 0, extent - 1};
  const FieldAxis& axis = rows ? field.rows : field.cols;
  Window window{axis.start + index * axis.stride, axis.size, 0, -1};
  const PixelSpan seen = unit_span(axis, index, extent);
  window.seen_first = seen.first;
  window.seen_last = seen.last;
  return window;
}

}  // namespace

RgbImage field_crop(const RgbImage& image, const ReceptiveField& field, int y, int x) {
  const Window rows = window_of(field, true, y, image.height);
  const Window cols = window_of(field, false, x, image.width);
  RgbImage crop{static_cast<int>(cols.size), static_cast<int>(rows.size), {}};
  crop.pixels.assign(static_cast<size_t>(crop.width) * crop.height * 3, kOutsideGray);
  for (int64_t r = std::max(rows.seen_first, rows.first); r <= rows.seen_last; ++r) {
    for (int64_t c = std::max(cols.seen_first, cols.first); c <= cols.seen_last; ++c) {
      const size_t from = (static_cast<size_t>(r) * image.width + c) * 3;
      const size_t to = (static_cast<size_t>(r - rows.first) * crop.width + (c - cols.first)) * 3;
      std::copy_n(image.pixels.begin() + from, 3, crop.pixels.begin() + to);
    }
  }
  return crop;
}

std::pair<int, int> field_size(const ReceptiveField& field, int width, int height) {
  return {static_cast<int>(window_of(field, false, 0, width).size), static_cast<int>(window_of(field, true, 0, height).size)};
}

RgbImage field_in_context(const RgbImage& image, const ReceptiveField& field, int y, int x, int min_side) {
  const int longest = std::max({1, image.width, image.height});
  const int factor = std::max(1, (min_side + longest - 1) / longest);
  RgbImage picture{image.width * factor, image.height * factor, {}};
  picture.pixels.resize(static_cast<size_t>(picture.width) * picture.height * 3);
  for (int row = 0; row < picture.height; ++row) {
    for (int column = 0; column < picture.width; ++column) {
      const size_t from = (static_cast<size_t>(row / factor) * image.width + column / factor) * 3;
      std::copy_n(image.pixels.begin() + from, 3, picture.pixels.begin() + (static_cast<size_t>(row) * picture.width + column) * 3);
    }
  }
  const Window rows = window_of(field, true, y, image.height);
  const Window cols = window_of(field, false, x, image.width);
  // The box's lines run a pixel outside the field's enlarged pixels.
  draw_frame(picture, static_cast<int>(cols.first * factor - 1), static_cast<int>(rows.first * factor - 1),
             static_cast<int>((cols.first + cols.size) * factor), static_cast<int>((rows.first + rows.size) * factor),
             255, 210, 0);
  return picture;
}

RgbImage crops_tile(const std::vector<RgbImage>& crops, int cell) {
  if (crops.empty()) return {};
  int largest = 1;
  for (const RgbImage& crop : crops) largest = std::max({largest, crop.width, crop.height});
  const int factor = std::max(1, (cell + largest - 1) / largest);
  const int side = largest * factor;
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(crops.size()))));
  const int rows_count = (static_cast<int>(crops.size()) + columns - 1) / columns;
  RgbImage tile{columns * side + (columns + 1) * kGap, rows_count * side + (rows_count + 1) * kGap, {}};
  tile.pixels.assign(static_cast<size_t>(tile.width) * tile.height * 3, kGapGray);
  for (size_t i = 0; i < crops.size(); ++i) {
    const RgbImage& crop = crops[i];
    const int left = kGap + static_cast<int>(i % columns) * (side + kGap) + (side - crop.width * factor) / 2;
    const int top = kGap + static_cast<int>(i / columns) * (side + kGap) + (side - crop.height * factor) / 2;
    for (int y = 0; y < crop.height * factor; ++y) {
      for (int x = 0; x < crop.width * factor; ++x) {
        const size_t from = (static_cast<size_t>(y / factor) * crop.width + x / factor) * 3;
        const size_t to = (static_cast<size_t>(top + y) * tile.width + left + x) * 3;
        std::copy_n(crop.pixels.begin() + from, 3, tile.pixels.begin() + to);
      }
    }
  }
  return tile;
}

}  // namespace actscope
