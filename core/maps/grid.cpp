#include "core/maps/grid.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/io/png_writer.h"
#include "core/maps/colorbar.h"

namespace actscope {
namespace {

constexpr int kCaptionLine = 18;  // pixels per caption line

// Blue (0) - white (0.5) - red (1), as a 256-entry BGR lookup table.
cv::Mat coolwarm_table() {
  cv::Mat table(256, 1, CV_8UC3);
  for (int i = 0; i < 256; ++i) {
    const float t = i / 255.0f;
    const float toward_white = 1.0f - std::fabs(t - 0.5f) * 2.0f;
    const auto blend = [&](float end) {
      return static_cast<uint8_t>(std::lround(255.0f * (end + (1.0f - end) * toward_white)));
    };
    const bool upper = t >= 0.5f;
    // Lower half ends in (59, 76, 192) RGB, upper half in (180, 4, 38).
    const float r = upper ? 180 / 255.0f : 59 / 255.0f;
    const float g = upper ? 4 / 255.0f : 76 / 255.0f;
    const float b = upper ? 38 / 255.0f : 192 / 255.0f;
    table.at<cv::Vec3b>(i) = cv::Vec3b(blend(b), blend(g), blend(r));
  }
  return table;
}

// A 256-entry BGR lookup table for each colormap, built once: OpenCV's
// applyColorMap rebuilds its table on every call, which dominated the
// export of many small tiles.
cv::Mat build_table(Colormap colormap) {
  cv::Mat ramp(256, 1, CV_8UC1);
  for (int i = 0; i < 256; ++i) ramp.at<uint8_t>(i) = static_cast<uint8_t>(i);
  cv::Mat table;
  switch (colormap) {
    case Colormap::kGray:
      cv::cvtColor(ramp, table, cv::COLOR_GRAY2BGR);
      break;
    case Colormap::kViridis:
      cv::applyColorMap(ramp, table, cv::COLORMAP_VIRIDIS);
      break;
    case Colormap::kInferno:
      cv::applyColorMap(ramp, table, cv::COLORMAP_INFERNO);
      break;
    case Colormap::kMagma:
      cv::applyColorMap(ramp, table, cv::COLORMAP_MAGMA);
      break;
    case Colormap::kJet:
      cv::applyColorMap(ramp, table, cv::COLORMAP_JET);
      break;
    case Colormap::kTurbo:
      cv::applyColorMap(ramp, table, cv::COLORMAP_TURBO);
      break;
    case Colormap::kCoolwarm:
      table = coolwarm_table();
      break;
  }
  return table;
}

const cv::Mat& colormap_table(Colormap colormap) {
  static const std::array<cv::Mat, 7> tables = [] {
    std::array<cv::Mat, 7> built;
    for (int i = 0; i < 7; ++i) built[i] = build_table(static_cast<Colormap>(i));
    return built;
  }();
  return tables.at(static_cast<size_t>(colormap));
}

// An 8-bit single-channel map through the colormap, as BGR.
cv::Mat apply_colormap(const cv::Mat& gray, Colormap colormap) {
  cv::Mat gray3, colored;
  cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
  cv::LUT(gray3, colormap_table(colormap), colored);
  return colored;
}

cv::Mat to_bytes(const float* map, int height, int width) {
  cv::Mat unit(height, width, CV_32F, const_cast<float*>(map));
  cv::Mat bytes;
  unit.convertTo(bytes, CV_8U, 255.0);  // saturates, rounds to nearest
  return bytes;
}

// The filters to draw, in tile order.
std::vector<int> choose_filters(const NormalizedMaps& maps, const GridOptions& options, std::string& note) {
  if (!options.order.empty()) {
    std::vector<int> given;
    for (int filter : options.order) {
      if (filter >= 0 && filter < maps.count) given.push_back(filter);
    }
    return given;
  }
  std::vector<int> order(maps.count);
  std::iota(order.begin(), order.end(), 0);
  int limit = options.top_k;
  if (limit == 0 && maps.count > kDefaultFilterLimit) {
    limit = kDefaultFilterLimit;
    note =
        "showing the " + std::to_string(limit) + " most active of " + std::to_string(maps.count) + " filters";
  }
  auto more_active = [&](int a, int b) { return maps.stats[a].mean > maps.stats[b].mean; };
  if (limit > 0 && limit < maps.count) {
    std::stable_sort(order.begin(), order.end(), more_active);
    order.resize(limit);
    if (!options.sort_by_mean) std::sort(order.begin(), order.end());
  } else if (options.sort_by_mean) {
    std::stable_sort(order.begin(), order.end(), more_active);
  }
  return order;
}

}  // namespace

std::string to_string(Colormap colormap) {
  switch (colormap) {
    case Colormap::kGray:
      return "gray";
    case Colormap::kViridis:
      return "viridis";
    case Colormap::kInferno:
      return "inferno";
    case Colormap::kMagma:
      return "magma";
    case Colormap::kJet:
      return "jet";
    case Colormap::kTurbo:
      return "turbo";
    case Colormap::kCoolwarm:
      return "coolwarm";
  }
  return "gray";
}

Result<Colormap> parse_colormap(const std::string& name) {
  for (auto colormap : {Colormap::kGray, Colormap::kViridis, Colormap::kInferno, Colormap::kMagma,
                        Colormap::kJet, Colormap::kTurbo, Colormap::kCoolwarm}) {
    if (to_string(colormap) == name) return colormap;
  }
  return Error{"unknown colormap '" + name + "' (use gray, viridis, inferno, magma, jet, turbo or coolwarm)"};
}

RgbImage colorize(const float* map, int height, int width, Colormap colormap) {
  cv::Mat rgb;
  cv::cvtColor(apply_colormap(to_bytes(map, height, width), colormap), rgb, cv::COLOR_BGR2RGB);
  return RgbImage{width, height, std::vector<uint8_t>(rgb.datastart, rgb.dataend)};
}

namespace {

// Tile size, rows and columns of a grid of `count` tiles of map_height x
// map_width, and its canvas with the caption drawn (RGB, dark background):
// a view of grid.image's pixels, so nothing is copied at the end.
cv::Mat lay_out(Grid& grid, int count, int map_height, int map_width, const GridOptions& options) {
  grid.columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
  grid.rows = std::max(1, (count + grid.columns - 1) / grid.columns);
  const int longest = std::max(1, std::max(map_height, map_width));
  const int scale = std::max(1, (options.min_tile + longest - 1) / longest);
  grid.tile_width = map_width * scale;
  grid.tile_height = map_height * scale;
  grid.gap = options.gap;
  grid.caption = options.caption;
  grid.caption_height =
      options.caption.empty() ? 0 : kCaptionLine * static_cast<int>(options.caption.size()) + 6;
  const int width = grid.columns * (grid.tile_width + options.gap) + options.gap;
  const int height = grid.caption_height + grid.rows * (grid.tile_height + options.gap) + options.gap;
  int caption_width = 0;
  for (const auto& line : options.caption) {
    int baseline = 0;
    caption_width = std::max(caption_width,
                             cv::getTextSize(line, cv::FONT_HERSHEY_SIMPLEX, 0.45, 1, &baseline).width + 12);
  }
  grid.image.width = std::max({width, 320, caption_width});
  grid.image.height = height;
  // Room for the colour bar render_layer puts under the tiles: appending it
  // then copies nothing.
  grid.image.pixels.reserve(static_cast<size_t>(grid.image.width) * (height + kColorbarHeight) * 3);
  grid.image.pixels.assign(static_cast<size_t>(grid.image.width) * height * 3, 40);
  cv::Mat canvas(height, grid.image.width, CV_8UC3, grid.image.pixels.data());
  for (size_t line = 0; line < options.caption.size(); ++line) {
    cv::putText(canvas, options.caption[line], cv::Point(6, kCaptionLine * static_cast<int>(line + 1)),
                cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(235, 235, 235), 1, cv::LINE_AA);
  }
  return canvas;
}

cv::Rect tile_rect(const Grid& grid, int tile, const GridOptions& options) {
  const int x = options.gap + (tile % grid.columns) * (grid.tile_width + options.gap);
  const int y = grid.caption_height + options.gap + (tile / grid.columns) * (grid.tile_height + options.gap);
  return cv::Rect(x, y, grid.tile_width, grid.tile_height);
}

}  // namespace

// Colors each map straight into its tile through the lookup table (nearest-
// neighbour enlargement): no per-tile images, which halved the time of
// drawing a 512-filter layer.
Grid compose_grid(const NormalizedMaps& maps, const GridOptions& options) {
  std::string note;
  std::vector<int> filters = choose_filters(maps, options, note);
  GridOptions with_note = options;
  if (!note.empty()) with_note.caption.push_back(note);
  Grid grid;
  const int count = static_cast<int>(filters.size());
  cv::Mat canvas = lay_out(grid, count, maps.height, maps.width, with_note);
  // The table is BGR; the canvas is RGB.
  const cv::Mat& table = colormap_table(options.colormap);
  std::array<std::array<uint8_t, 3>, 256> rgb;
  for (int i = 0; i < 256; ++i) {
    const cv::Vec3b bgr = table.at<cv::Vec3b>(i);
    rgb[i] = {bgr[2], bgr[1], bgr[0]};
  }
  const int scale = grid.tile_width / std::max(1, maps.width);
  const size_t row_bytes = static_cast<size_t>(grid.tile_width) * 3;
  for (int t = 0; t < count; ++t) {
    const float* map = maps.map(filters[t]);
    const cv::Rect rect = tile_rect(grid, t, with_note);
    for (int y = 0; y < maps.height; ++y) {
      // One enlarged row, then copied for the other rows of the same map row.
      uint8_t* first = canvas.ptr<uint8_t>(rect.y + y * scale) + rect.x * 3;
      uint8_t* out = first;
      for (int x = 0; x < maps.width; ++x) {
        const float value = map[y * maps.width + x];
        const float unit = value >= 0.0f ? std::min(value, 1.0f) : 0.0f;  // NaN counts as 0
        const auto& color = rgb[static_cast<int>(unit * 255.0f + 0.5f)];
        for (int dx = 0; dx < scale; ++dx, out += 3) std::memcpy(out, color.data(), 3);
      }
      for (int dy = 1; dy < scale; ++dy) {
        std::memcpy(canvas.ptr<uint8_t>(rect.y + y * scale + dy) + rect.x * 3, first, row_bytes);
      }
    }
  }
  grid.filters = std::move(filters);
  grid.limit_note = note;
  return grid;
}

Grid compose_tile_grid(const std::vector<RgbImage>& tiles, std::vector<int> filters,
                       const GridOptions& options) {
  Grid grid;
  grid.filters = std::move(filters);
  const int count = static_cast<int>(tiles.size());
  cv::Mat canvas =
      lay_out(grid, count, count > 0 ? tiles[0].height : 1, count > 0 ? tiles[0].width : 1, options);
  for (int t = 0; t < count; ++t) {
    const cv::Mat tile(tiles[t].height, tiles[t].width, CV_8UC3,
                       const_cast<uint8_t*>(tiles[t].pixels.data()));
    const cv::Rect rect = tile_rect(grid, t, options);
    cv::resize(tile, canvas(rect), rect.size(), 0, 0, cv::INTER_NEAREST);
  }
  // The canvas was drawn as RGB throughout (tiles are RGB; the caption is gray).
  return grid;
}

RgbImage stack_vertically(const std::vector<RgbImage>& pictures, int gap) {
  int width = 1;
  int height = gap;
  for (const auto& picture : pictures) {
    width = std::max(width, picture.width + 2 * gap);
    height += picture.height + gap;
  }
  RgbImage stacked{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3, 40)};
  int y = gap;
  for (const auto& picture : pictures) {
    for (int row = 0; row < picture.height; ++row) {
      std::memcpy(stacked.pixels.data() + (static_cast<size_t>(y + row) * width + gap) * 3,
                  picture.pixels.data() + static_cast<size_t>(row) * picture.width * 3,
                  static_cast<size_t>(picture.width) * 3);
    }
    y += picture.height + gap;
  }
  return stacked;
}

std::array<uint8_t, 3> colormap_rgb(Colormap colormap, uint8_t level) {
  const cv::Vec3b bgr = colormap_table(colormap).at<cv::Vec3b>(level);
  return {bgr[2], bgr[1], bgr[0]};
}


std::string encode_png(const RgbImage& image) {
  return encode_rgb_png(image.pixels.data(), image.width, image.height);
}

}  // namespace actscope
