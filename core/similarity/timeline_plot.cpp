#include "core/similarity/timeline_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/embed/embedding_plot.h"

namespace actscope {
namespace {

constexpr double kFont = 0.42;
constexpr int kMargin = 16;
constexpr int kPanelHeight = 300;
constexpr int kTitleHeight = 40;
constexpr int kAxisWidth = 40;  // the y axis's numbers
const cv::Scalar kText(20, 20, 20);
const cv::Scalar kGrid(225, 225, 225);

int text_width(const std::string& text, double scale = kFont) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width;
}

void put(cv::Mat& canvas, const std::string& text, cv::Point at, double scale = kFont) {
  cv::putText(canvas, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, kText, 1, cv::LINE_AA);
}

// One series: a value per checkpoint (NaN: none), drawn as a line with dots.
struct Series {
  std::vector<double> values;
  cv::Scalar colour;
};

void draw_panel(cv::Mat& canvas, const TimelinePicture::Box& box, const std::vector<int>& xs, const std::string& title,
                const std::vector<Series>& series, bool label_points, double high = 1.0,
                const std::string& when_all_zero = "") {
  put(canvas, title, {box.left, box.top - 10}, 0.5);
  const bool all_zero = std::all_of(series.begin(), series.end(), [](const Series& line) {
    return std::all_of(line.values.begin(), line.values.end(), [](double v) { return !(v > 0.0); });
  });
  if (all_zero && !when_all_zero.empty()) {
    put(canvas, when_all_zero, {box.left + (box.width - text_width(when_all_zero)) / 2, box.top + box.height / 2});
  }
  cv::rectangle(canvas, {box.left, box.top}, {box.left + box.width, box.top + box.height}, cv::Scalar(170, 170, 170));
  auto y_of = [&](double value) { return box.top + static_cast<int>(std::lround((1.0 - value / high) * box.height)); };
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = high * tick / 4.0;
    const int y = y_of(value);
    if (tick > 0 && tick < 4) cv::line(canvas, {box.left + 1, y}, {box.left + box.width - 1, y}, kGrid);
    char text[8];
    std::snprintf(text, sizeof text, high < 0.1 ? "%.3f" : "%.2f", value);
    put(canvas, text, {box.left - text_width(text) - 6, y + 5});
  }
  for (const Series& line : series) {
    cv::Point previous(-1, -1);
    for (size_t i = 0; i < line.values.size(); ++i) {
      if (!std::isfinite(line.values[i])) {
        previous = {-1, -1};
        continue;
      }
      const cv::Point at(box.left + xs[i], y_of(std::clamp(line.values[i], 0.0, high)));
      if (previous.x >= 0) cv::line(canvas, previous, at, line.colour, 2, cv::LINE_AA);
      cv::circle(canvas, at, 3, line.colour, cv::FILLED, cv::LINE_AA);
      if (label_points) {  // beside the dot, below the line's next rise (left of the last dot)
        char text[12];
        std::snprintf(text, sizeof text, "%.3f", line.values[i]);
        const bool last = i + 1 == line.values.size();
        const int x = last ? at.x - text_width(text) - 8 : at.x + 8;
        put(canvas, text, {std::clamp(x, box.left + 2, box.left + box.width - text_width(text) - 2),
                           last ? std::max(at.y - 10, box.top + 14) : std::min(at.y + 18, box.top + box.height - 4)});
      }
      previous = at;
    }
  }
}

// The checkpoints' names written upwards under a panel.
int draw_names(cv::Mat& canvas, const std::vector<std::string>& names, const TimelinePicture::Box& box,
               const std::vector<int>& xs, int length) {
  for (size_t i = 0; i < names.size(); ++i) {
    cv::Mat strip(16, length, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::putText(strip, names[i], {length - text_width(names[i]) - 2, 12}, cv::FONT_HERSHEY_SIMPLEX, kFont, kText, 1,
                cv::LINE_AA);
    cv::Mat turned;
    cv::rotate(strip, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
    const int left = std::clamp(box.left + xs[i] - 8, 0, canvas.cols - turned.cols);
    turned.copyTo(canvas(cv::Rect(left, box.top + box.height + 4, turned.cols, turned.rows)));
  }
  return length + 8;
}

cv::Scalar layer_colour(size_t index, size_t count) {
  const auto rgb = class_colour(static_cast<int>(index), static_cast<int>(count));
  return cv::Scalar(rgb[0], rgb[1], rgb[2]);
}

// The dead panel's top: the largest fraction rounded up to 0.02, 0.05, 0.1, 0.2, 0.5 or 1.
double dead_scale(const std::vector<Series>& series) {
  double most = 0.0;
  for (const Series& line : series) {
    for (double value : line.values) {
      if (std::isfinite(value)) most = std::max(most, value);
    }
  }
  for (double top : {0.02, 0.05, 0.1, 0.2, 0.5}) {
    if (most <= top) return top;
  }
  return 1.0;
}

int draw_legend(cv::Mat& canvas, const std::vector<std::string>& layers, int top, int width) {
  int x = kMargin, y = top + 14;
  for (size_t l = 0; l < layers.size(); ++l) {
    const int entry = 26 + text_width(layers[l]) + 18;
    if (x + entry > width - kMargin) x = kMargin, y += 20;
    cv::line(canvas, {x, y - 4}, {x + 20, y - 4}, layer_colour(l, layers.size()), 3, cv::LINE_AA);
    put(canvas, layers[l], {x + 26, y});
    x += entry;
  }
  return y + 12;
}

}  // namespace

std::string checkpoint_name(const std::string& path) {
  const std::filesystem::path file(path);
  return file.extension() == ".pt" ? file.stem().string() : file.filename().string();
}

TimelinePicture draw_timeline(const Timeline& timeline, const std::string& title, int width) {
  width = std::max(width, 900);
  TimelinePicture picture;
  const size_t count = timeline.checkpoints.size();
  std::vector<std::string> names, layers;
  for (const auto& checkpoint : timeline.checkpoints) names.push_back(checkpoint_name(checkpoint.path));
  if (count > 0) {
    for (const auto& layer : timeline.checkpoints.back().layers) layers.push_back(layer.name);
  }
  int name_length = 20;
  for (const std::string& name : names) name_length = std::max(name_length, text_width(name) + 6);
  const int panel_width = (width - 2 * kMargin - 3 * kAxisWidth - 2 * 12) / 3;
  for (int p = 0; p < 3; ++p) {
    picture.panels.push_back({kMargin + kAxisWidth + p * (panel_width + kAxisWidth + 12), kTitleHeight + 30,
                              panel_width, kPanelHeight});
  }
  const int pad = 18;
  for (size_t i = 0; i < count; ++i) {
    picture.checkpoint_x.push_back(count == 1 ? panel_width / 2
                                              : pad + static_cast<int>(i) * (panel_width - 2 * pad) /
                                                          static_cast<int>(count - 1));
  }
  // Rows the legend takes: measured by drawing it on a scratch canvas first.
  cv::Mat scratch(400, width, CV_8UC3);
  const int legend_height = draw_legend(scratch, layers, 0, width);
  const int legend_top = kTitleHeight + 30 + kPanelHeight + name_length + 8;
  cv::Mat canvas(legend_top + legend_height + 8, width, CV_8UC3, cv::Scalar(255, 255, 255));
  put(canvas, title, {kMargin, 24}, 0.55);
  std::vector<Series> accuracy(1), dead, similarity;
  accuracy[0].colour = cv::Scalar(31, 119, 180);
  for (size_t l = 0; l < layers.size(); ++l) {
    Series d{{}, layer_colour(l, layers.size())}, s{{}, layer_colour(l, layers.size())};
    for (const auto& checkpoint : timeline.checkpoints) {
      d.values.push_back(checkpoint.layers[l].dead_fraction);
      s.values.push_back(checkpoint.layers[l].cka_to_final);
    }
    if (timeline.checkpoints.back().layers[l].has_maps) dead.push_back(d);
    similarity.push_back(s);
  }
  for (const auto& checkpoint : timeline.checkpoints) accuracy[0].values.push_back(checkpoint.accuracy);
  draw_panel(canvas, picture.panels[0], picture.checkpoint_x, "accuracy", accuracy, true);
  draw_panel(canvas, picture.panels[1], picture.checkpoint_x, "dead filters (fraction of the layer's)", dead, false,
             dead_scale(dead), "no layer has a dead filter at any checkpoint");
  draw_panel(canvas, picture.panels[2], picture.checkpoint_x, "CKA to the last checkpoint", similarity, false);
  for (const auto& box : picture.panels) draw_names(canvas, names, box, picture.checkpoint_x, name_length);
  draw_legend(canvas, layers, legend_top, width);
  picture.image = {canvas.cols, canvas.rows, std::vector<uint8_t>(canvas.data, canvas.data + canvas.total() * 3)};
  return picture;
}

int checkpoint_at(const TimelinePicture& picture, int x, int y) {
  const auto count = static_cast<int>(picture.checkpoint_x.size());
  for (const auto& box : picture.panels) {
    if (x < box.left || x > box.left + box.width || y < box.top || y > box.top + box.height + 100) continue;
    const int half = count > 1 ? (picture.checkpoint_x[1] - picture.checkpoint_x[0]) / 2 : box.width / 2;
    for (int i = 0; i < count; ++i) {
      if (std::abs(x - box.left - picture.checkpoint_x[static_cast<size_t>(i)]) <= half) return i;
    }
  }
  return -1;
}

}  // namespace actscope
