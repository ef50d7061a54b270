#include "core/embed/embedding_plot.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

namespace actscope {
namespace {

constexpr uint8_t kTableau20[20][3] = {
    {31, 119, 180},  {255, 127, 14},  {44, 160, 44},   {214, 39, 40},   {148, 103, 189},
    {140, 86, 75},   {227, 119, 194}, {127, 127, 127}, {188, 189, 34},  {23, 190, 207},
    {174, 199, 232}, {255, 187, 120}, {152, 223, 138}, {255, 152, 150}, {197, 176, 213},
    {196, 156, 148}, {247, 182, 210}, {199, 199, 199}, {219, 219, 141}, {158, 218, 229}};
constexpr int kMargin = 24;
constexpr int kTitleHeight = 40;
constexpr int kLegendWidth = 220;
constexpr int kLegendLine = 22;
constexpr double kFont = 0.5;

struct Frame {
  double x0, y0, scale;  // layout -> pixels
  int left, top;
};

Frame fit_layout(const std::vector<float>& layout, int width, int height) {
  const LayoutBounds box = layout_bounds(layout);
  if (box.empty) return {0, 0, 1, kMargin, kTitleHeight};
  const double span = std::max({box.right - box.left, box.bottom - box.top, 1e-12});
  const double scale = std::min(width, height) / span;
  const int left = kMargin + static_cast<int>((width - (box.right - box.left) * scale) / 2);
  const int top = kTitleHeight + static_cast<int>((height - (box.bottom - box.top) * scale) / 2);
  return {box.left, box.top, scale, left, top};
}

cv::Scalar colour_of(int index, int count) {
  const auto c = class_colour(index, count);
  return cv::Scalar(c[0], c[1], c[2]);
}

void draw_legend(cv::Mat& canvas, const ScatterPlot& plot, int left) {
  int y = kTitleHeight + 8;
  const int count = static_cast<int>(plot.classes.size());
  for (int c = 0; c < count; ++c) {
    if (y > canvas.rows - 3 * kLegendLine) {  // as many as fit, then how many more
      cv::putText(canvas, "+" + std::to_string(count - c) + " more classes", {left + 20, y + 5},
                  cv::FONT_HERSHEY_SIMPLEX, kFont, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
      y += kLegendLine;
      break;
    }
    cv::circle(canvas, {left + 8, y}, 5, colour_of(c, count), cv::FILLED, cv::LINE_AA);
    cv::putText(canvas, plot.classes[static_cast<size_t>(c)], {left + 20, y + 5}, cv::FONT_HERSHEY_SIMPLEX, kFont,
                cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
    y += kLegendLine;
  }
  if (std::find(plot.marked.begin(), plot.marked.end(), true) != plot.marked.end()) {
    y += 6;
    cv::drawMarker(canvas, {left + 8, y}, cv::Scalar(60, 60, 60), cv::MARKER_TILTED_CROSS, 10, 2, cv::LINE_AA);
    cv::putText(canvas, "misclassified", {left + 20, y + 5}, cv::FONT_HERSHEY_SIMPLEX, kFont, cv::Scalar(20, 20, 20), 1,
                cv::LINE_AA);
    cv::putText(canvas, "(in its true class's colour)", {left + 20, y + 5 + kLegendLine}, cv::FONT_HERSHEY_SIMPLEX,
                0.42, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
  }
}

}  // namespace

LayoutBounds layout_bounds(const std::vector<float>& layout) {
  LayoutBounds box{INFINITY, INFINITY, -INFINITY, -INFINITY, true};
  for (size_t i = 0; i + 1 < layout.size(); i += 2) {
    if (!std::isfinite(layout[i]) || !std::isfinite(layout[i + 1])) continue;
    box.left = std::min<double>(box.left, layout[i]);
    box.right = std::max<double>(box.right, layout[i]);
    box.top = std::min<double>(box.top, layout[i + 1]);
    box.bottom = std::max<double>(box.bottom, layout[i + 1]);
    box.empty = false;
  }
  return box.empty ? LayoutBounds{} : box;
}

std::array<uint8_t, 3> class_colour(int index, int count) {
  if (index < 0) return {150, 150, 150};
  // Up to 20 classes: the ten strong colours first, their light partners after.
  if (count <= 20) return {kTableau20[index % 20][0], kTableau20[index % 20][1], kTableau20[index % 20][2]};
  cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(static_cast<double>(index * 180 / count), 200, 210));
  cv::Mat rgb;
  cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
  const auto pixel = rgb.at<cv::Vec3b>(0, 0);
  return {pixel[0], pixel[1], pixel[2]};
}

RgbImage draw_scatter_plot(const ScatterPlot& plot) {
  const int plot_width = plot.width - kLegendWidth - 2 * kMargin;
  const int plot_height = plot.height - kTitleHeight - kMargin;
  cv::Mat canvas(plot.height, plot.width, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(canvas, plot.title, {kMargin, 26}, cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(20, 20, 20), 1, cv::LINE_AA);
  cv::rectangle(canvas, {kMargin - 6, kTitleHeight - 6}, {kMargin + plot_width + 6, kTitleHeight + plot_height + 6},
                cv::Scalar(200, 200, 200), 1);
  const Frame frame = fit_layout(plot.layout, plot_width, plot_height);
  const size_t points = plot.layout.size() / 2;
  const int radius = points > 20000 ? 1 : points > 3000 ? 2 : 3;
  const int count = static_cast<int>(plot.classes.size());
  auto at = [&](size_t i) {
    return cv::Point(frame.left + static_cast<int>((plot.layout[2 * i] - frame.x0) * frame.scale),
                     frame.top + static_cast<int>((plot.layout[2 * i + 1] - frame.y0) * frame.scale));
  };
  auto marked = [&](size_t i) { return i < plot.marked.size() && plot.marked[i]; };
  for (int pass = 0; pass < 2; ++pass) {  // crosses on top, so that none hides under the dots
    for (size_t i = 0; i < points; ++i) {
      if (marked(i) != (pass == 1) || !std::isfinite(plot.layout[2 * i]) || !std::isfinite(plot.layout[2 * i + 1])) continue;
      const int cls = i < plot.colour_class.size() ? plot.colour_class[i] : -1;
      if (pass == 0) {
        cv::circle(canvas, at(i), radius, colour_of(cls, count), cv::FILLED, cv::LINE_AA);
      } else {
        cv::drawMarker(canvas, at(i), cv::Scalar(60, 60, 60), cv::MARKER_TILTED_CROSS, 3 * radius + 2, 2, cv::LINE_AA);
        cv::drawMarker(canvas, at(i), colour_of(cls, count), cv::MARKER_TILTED_CROSS, 3 * radius, 1, cv::LINE_AA);
      }
    }
  }
  draw_legend(canvas, plot, plot.width - kLegendWidth);
  RgbImage image;
  image.width = canvas.cols;
  image.height = canvas.rows;
  image.pixels.assign(canvas.data, canvas.data + canvas.total() * 3);
  return image;
}

}  // namespace actscope
