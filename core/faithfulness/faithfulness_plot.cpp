#include "core/faithfulness/faithfulness_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/embed/embedding_plot.h"

namespace actscope {
namespace {

constexpr double kFont = 0.42;
constexpr int kMargin = 16;
constexpr int kPanelHeight = 260;
constexpr int kAxisWidth = 48;
constexpr int kRowHeight = 20;
const cv::Scalar kText(20, 20, 20);
const cv::Scalar kGrid(225, 225, 225);

int text_width(const std::string& text, double scale = kFont) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width;
}

void put(cv::Mat& canvas, const std::string& text, cv::Point at, double scale = kFont) {
  cv::putText(canvas, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, kText, 1, cv::LINE_AA);
}

cv::Scalar colour_of(const FaithfulnessSeries& line, size_t index, size_t count) {
  const auto rgb = method_colour(line.method, index, count);
  return cv::Scalar(rgb[0], rgb[1], rgb[2]);
}

std::string number(double value, const char* format = "%.3f") {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

struct Box {
  int left, top, width, height;
};

void draw_panel(cv::Mat& canvas, const Box& box, const std::string& title, const std::string& x_axis,
                const std::string& y_axis, const std::vector<double>& xs, const std::vector<FaithfulnessSeries>& series,
                bool deletion, double low, double high) {
  double scale = 0.5;  // the title fits the panel
  while (scale > 0.3 && text_width(title, scale) > box.width) scale -= 0.02;
  put(canvas, title, {box.left, box.top - 10}, scale);
  cv::rectangle(canvas, {box.left, box.top}, {box.left + box.width, box.top + box.height}, cv::Scalar(170, 170, 170));
  auto y_of = [&](double v) { return box.top + static_cast<int>(std::lround((high - v) / (high - low) * box.height)); };
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = low + (high - low) * tick / 4.0;
    const int y = y_of(value);
    if (tick > 0 && tick < 4) cv::line(canvas, {box.left + 1, y}, {box.left + box.width - 1, y}, kGrid);
    const std::string text = number(value, "%.2f");
    put(canvas, text, {box.left - text_width(text) - 6, y + 5});
    const int x = box.left + tick * box.width / 4;
    const std::string fraction = number(tick / 4.0, "%.2f");
    put(canvas, fraction, {x - text_width(fraction) / 2, box.top + box.height + 16});
  }
  put(canvas, x_axis, {box.left + (box.width - text_width(x_axis)) / 2, box.top + box.height + 34});
  cv::Mat strip(16, box.height, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(strip, y_axis, {(box.height - text_width(y_axis)) / 2, 12}, cv::FONT_HERSHEY_SIMPLEX, kFont, kText, 1,
              cv::LINE_AA);
  cv::Mat turned;
  cv::rotate(strip, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
  turned.copyTo(canvas(cv::Rect(box.left - kAxisWidth + 2 - 16 + 4, box.top, turned.cols, turned.rows)));
  for (size_t s = 0; s < series.size(); ++s) {
    const auto& values = deletion ? series[s].deletion : series[s].insertion;
    std::vector<cv::Point> points;
    for (size_t i = 0; i < values.size() && i < xs.size(); ++i) {
      points.emplace_back(box.left + static_cast<int>(std::lround(xs[i] * box.width)),
                          y_of(std::clamp(values[i], low, high)));
    }
    if (points.size() >= 2) cv::polylines(canvas, points, false, colour_of(series[s], s, series.size()), 2, cv::LINE_AA);
  }
}

int draw_legend(cv::Mat& canvas, const std::vector<FaithfulnessSeries>& series, int top, int width) {
  int x = kMargin, y = top + 14;
  for (size_t s = 0; s < series.size(); ++s) {
    const int entry = 26 + text_width(series[s].method) + 18;
    if (x + entry > width - kMargin) x = kMargin, y += 20;
    cv::line(canvas, {x, y - 4}, {x + 20, y - 4}, colour_of(series[s], s, series.size()), 3, cv::LINE_AA);
    put(canvas, series[s].method, {x + 26, y});
    x += entry;
  }
  return y + 12;
}

// The table of means (and spreads): a row per method, a column per metric.
int draw_table(cv::Mat& canvas, const std::vector<FaithfulnessSeries>& series, int top, int width) {
  const auto& metrics = faithfulness_metrics();
  static const char* const kHeads[] = {"deletion AUC", "insertion AUC", "drop in conf.", "increase in conf.",
                                       "ROAD MoRF", "ROAD LeRF", "ROAD combined"};
  int name_width = text_width("method");
  for (const auto& line : series) name_width = std::max(name_width, text_width(line.method));
  const int column = (width - 2 * kMargin - name_width - 12) / static_cast<int>(metrics.size());
  put(canvas, "method", {kMargin, top + 14});
  for (size_t m = 0; m < metrics.size(); ++m) {
    const std::string head = std::string(kHeads[m]) + (higher_is_better(m) ? " (+)" : " (-)");
    put(canvas, head, {kMargin + name_width + 12 + static_cast<int>(m) * column, top + 14});
  }
  cv::line(canvas, {kMargin, top + 20}, {width - kMargin, top + 20}, cv::Scalar(170, 170, 170));
  for (size_t s = 0; s < series.size(); ++s) {
    const int y = top + 20 + kRowHeight * static_cast<int>(s + 1);
    put(canvas, series[s].method, {kMargin, y});
    for (size_t m = 0; m < metrics.size() && m < series[s].means.size(); ++m) {
      std::string text = number(series[s].means[m]);
      if (m < series[s].spreads.size()) text += " +- " + number(series[s].spreads[m]);
      const int x = kMargin + name_width + 12 + static_cast<int>(m) * column;
      if (is_best(series, s, m)) {  // the best of the column on a pale yellow ground, starred
        text += " *";
        cv::rectangle(canvas, {x - 3, y - 14}, {x + text_width(text) + 3, y + 5}, cv::Scalar(255, 236, 150), cv::FILLED);
      }
      put(canvas, text, {x, y});
    }
  }
  const int bottom = top + 20 + kRowHeight * static_cast<int>(series.size() + 1);
  put(canvas, "(+) larger is better, (-) smaller is better; * on yellow: the best of the column; +- the spread (population "
      "standard deviation) over the images", {kMargin, bottom});
  return bottom + 10;
}

// Values the table prints alike (three decimals) tie: the reader cannot tell them apart.
bool ties(double a, double b) { return number(a) == number(b); }

}  // namespace

std::array<uint8_t, 3> method_colour(const std::string& method, size_t index, size_t count) {
  if (method == kRandomMethod) return {128, 128, 128};
  // Tableau's 10 without its gray (index 7), which is the baseline's.
  (void)count;
  const int slot = static_cast<int>(index % 9);
  return class_colour(slot >= 7 ? slot + 1 : slot, 10);
}

std::vector<int> best_rows(const std::vector<FaithfulnessSeries>& series) {
  std::vector<int> best(faithfulness_metrics().size(), -1);
  for (size_t m = 0; m < best.size(); ++m) {
    for (size_t s = 0; s < series.size(); ++s) {
      if (m >= series[s].means.size() || !std::isfinite(series[s].means[m])) continue;
      const double value = series[s].means[m];
      if (best[m] < 0) {
        best[m] = static_cast<int>(s);
        continue;
      }
      const double held = series[static_cast<size_t>(best[m])].means[m];
      if (higher_is_better(m) ? value > held : value < held) best[m] = static_cast<int>(s);
    }
    bool all_tie = best[m] >= 0;
    for (size_t s = 0; s < series.size() && all_tie; ++s) {
      if (m >= series[s].means.size() || !ties(series[s].means[m], series[static_cast<size_t>(best[m])].means[m]))
        all_tie = false;
    }
    if (all_tie && series.size() > 1) best[m] = -1;
  }
  return best;
}

bool is_best(const std::vector<FaithfulnessSeries>& series, size_t row, size_t metric) {
  const std::vector<int> best = best_rows(series);
  if (metric >= best.size() || best[metric] < 0 || metric >= series[row].means.size()) return false;
  return ties(series[row].means[metric], series[static_cast<size_t>(best[metric])].means[metric]);
}

RgbImage draw_faithfulness(const std::vector<FaithfulnessSeries>& series, const std::vector<double>& curve_x,
                           FaithfulnessScore score, const std::string& title, const std::string& subtitle, int width) {
  width = std::max(width, 900);
  double low = 0.0, high = 1.0;
  if (score == FaithfulnessScore::kLogit) {
    low = 0.0, high = 0.0;
    for (const auto& line : series) {
      for (const auto* values : {&line.deletion, &line.insertion}) {
        for (double v : *values) low = std::min(low, v), high = std::max(high, v);
      }
    }
    if (high <= low) high = low + 1.0;
  }
  const int panel_top = 70;
  const int panel_width = (width - 2 * kMargin - 2 * kAxisWidth - 24) / 2;
  const Box left{kMargin + kAxisWidth, panel_top, panel_width, kPanelHeight};
  const Box right{kMargin + 2 * kAxisWidth + panel_width + 24, panel_top, panel_width, kPanelHeight};
  cv::Mat scratch(400, width, CV_8UC3);
  const int legend_top = panel_top + kPanelHeight + 44;
  const int legend_bottom = draw_legend(scratch, series, legend_top, width);
  const int table_height = 20 + kRowHeight * static_cast<int>(series.size() + 1) + 14;
  cv::Mat canvas(legend_bottom + 8 + table_height + 8, width, CV_8UC3, cv::Scalar(255, 255, 255));
  put(canvas, title, {kMargin, 22}, 0.55);
  put(canvas, subtitle, {kMargin, 42});
  const std::string y_axis = score == FaithfulnessScore::kLogit ? "class logit" : "class probability";
  draw_panel(canvas, left, "Deletion: pixels set to black, most important first (lower is better)",
             "fraction of pixels deleted", y_axis, curve_x, series, true, low, high);
  draw_panel(canvas, right, "Insertion: pixels restored into the blurred image, most important first (higher is better)",
             "fraction of pixels inserted", y_axis, curve_x, series, false, low, high);
  draw_legend(canvas, series, legend_top, width);
  draw_table(canvas, series, legend_bottom + 8, width);
  return {canvas.cols, canvas.rows, std::vector<uint8_t>(canvas.data, canvas.data + canvas.total() * 3)};
}

std::vector<FaithfulnessSeries> summary_series(const FaithfulnessRun& run) {
  const auto summaries = summarize(run);
  std::vector<FaithfulnessSeries> series;
  for (size_t m = 0; m < run.methods.size(); ++m) {
    FaithfulnessSeries line;
    line.method = run.methods[m];
    line.deletion = summaries[m].mean_deletion_curve;
    line.insertion = summaries[m].mean_insertion_curve;
    for (const MetricSummary& metric : summaries[m].metrics) {
      line.means.push_back(metric.mean);
      line.spreads.push_back(metric.std);
    }
    series.push_back(std::move(line));
  }
  return series;
}

}  // namespace actscope
