#include "core/similarity/cka_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/maps/colorbar.h"

namespace actscope {
namespace {

constexpr double kNameFont = 0.4;
constexpr double kTitleFont = 0.55;
constexpr int kMargin = 12;
const cv::Scalar kText(235, 235, 235);
const cv::Scalar kBackground(40, 40, 40);

int text_width(const std::string& text, double scale) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width;
}

int widest(const std::vector<std::string>& names) {
  int width = 0;
  for (const std::string& name : names) width = std::max(width, text_width(name, kNameFont));
  return width;
}

// The cell's side: the map about 640 pixels on its longer side, within 12 .. 56.
int cell_side(size_t rows, size_t columns) {
  const auto most = static_cast<int>(std::max<size_t>({rows, columns, 1}));
  return std::clamp(640 / most, 12, 56);
}

void draw_cells(cv::Mat& canvas, const CkaHeatmap& heatmap, cv::Point origin, int cell) {
  for (size_t r = 0; r < heatmap.rows.size(); ++r) {
    for (size_t c = 0; c < heatmap.columns.size(); ++c) {
      const double value = heatmap.values[r * heatmap.columns.size() + c];
      const cv::Point corner(origin.x + static_cast<int>(c) * cell, origin.y + static_cast<int>(r) * cell);
      cv::Scalar colour(128, 128, 128);
      if (std::isfinite(value)) {
        const auto level = static_cast<uint8_t>(std::lround(255.0 * std::clamp(value, 0.0, 1.0)));
        const auto rgb = colormap_rgb(Colormap::kViridis, level);
        colour = cv::Scalar(rgb[0], rgb[1], rgb[2]);
      }
      cv::rectangle(canvas, corner, corner + cv::Point(cell - 1, cell - 1), colour, cv::FILLED);
      if (cell < 34 || !std::isfinite(value)) continue;
      char text[16];
      std::snprintf(text, sizeof text, "%.2f", value);
      const bool light = value < 0.6;  // viridis is dark below about 0.6
      cv::putText(canvas, text, corner + cv::Point((cell - text_width(text, 0.38)) / 2, cell / 2 + 4),
                  cv::FONT_HERSHEY_SIMPLEX, 0.38, light ? cv::Scalar(250, 250, 250) : cv::Scalar(10, 10, 10), 1,
                  cv::LINE_AA);
    }
  }
}

// The column names written upwards under the map: drawn across, then turned.
void draw_column_names(cv::Mat& canvas, const std::vector<std::string>& names, cv::Point origin, int cell,
                       int length) {
  cv::Mat strip(static_cast<int>(names.size()) * cell, length, CV_8UC3, kBackground);
  for (size_t c = 0; c < names.size(); ++c) {
    const int y = static_cast<int>(c) * cell + cell / 2 + 4;
    cv::putText(strip, names[c], {length - text_width(names[c], kNameFont) - 2, y}, cv::FONT_HERSHEY_SIMPLEX,
                kNameFont, kText, 1, cv::LINE_AA);
  }
  cv::Mat turned;
  cv::rotate(strip, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
  // Turned counter-clockwise: the names read upwards, their ends meet the map, the first column at the left.
  turned.copyTo(canvas(cv::Rect(origin.x, origin.y, turned.cols, turned.rows)));
}

}  // namespace

RgbImage draw_cka_heatmap(const CkaHeatmap& heatmap) {
  const int cell = cell_side(heatmap.rows.size(), heatmap.columns.size());
  const int row_names = widest(heatmap.rows) + 8;
  const int column_names = widest(heatmap.columns) + 8;
  const int map_width = cell * static_cast<int>(heatmap.columns.size());
  const int map_height = cell * static_cast<int>(heatmap.rows.size());
  const int titles = 58;
  const int width = std::max({kMargin * 2 + row_names + map_width, text_width(heatmap.title, kTitleFont) + 2 * kMargin,
                              text_width(heatmap.subtitle, kNameFont) + 2 * kMargin, 420});
  const int height = titles + 20 + map_height + column_names + 26;
  cv::Mat canvas(height, width, CV_8UC3, kBackground);
  cv::putText(canvas, heatmap.title, {kMargin, 22}, cv::FONT_HERSHEY_SIMPLEX, kTitleFont, kText, 1, cv::LINE_AA);
  cv::putText(canvas, heatmap.subtitle, {kMargin, 44}, cv::FONT_HERSHEY_SIMPLEX, kNameFont, kText, 1, cv::LINE_AA);
  cv::putText(canvas, "rows: " + heatmap.row_axis, {kMargin, titles + 12}, cv::FONT_HERSHEY_SIMPLEX, kNameFont, kText,
              1, cv::LINE_AA);
  const cv::Point origin(kMargin + row_names, titles + 20);
  for (size_t r = 0; r < heatmap.rows.size(); ++r) {
    const int y = origin.y + static_cast<int>(r) * cell + cell / 2 + 4;
    cv::putText(canvas, heatmap.rows[r], {origin.x - 6 - text_width(heatmap.rows[r], kNameFont), y},
                cv::FONT_HERSHEY_SIMPLEX, kNameFont, kText, 1, cv::LINE_AA);
  }
  draw_cells(canvas, heatmap, origin, cell);
  draw_column_names(canvas, heatmap.columns, {origin.x, origin.y + map_height + 4}, cell, column_names - 4);
  cv::putText(canvas, "columns: " + heatmap.column_axis, {kMargin, height - 8}, cv::FONT_HERSHEY_SIMPLEX, kNameFont,
              kText, 1, cv::LINE_AA);
  RgbImage image{canvas.cols, canvas.rows, std::vector<uint8_t>(canvas.data, canvas.data + canvas.total() * 3)};
  return with_colorbar(std::move(image), ColorScale{Colormap::kViridis, 0.0, 1.0, "CKA (linear, minibatch unbiased)"});
}

}  // namespace actscope
