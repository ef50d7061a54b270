#include "core/maps/colorbar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace actscope {
namespace {

constexpr int kMargin = 8;       // left and right of the gradient: room for the end numbers
constexpr int kTitleLine = 16;   // the title's baseline
constexpr int kBarTop = 22;
constexpr int kBarHeight = 12;
constexpr int kNumberLine = 50;  // the numbers' baseline
constexpr double kFontScale = 0.42;

const cv::Scalar kText(225, 225, 225);
const cv::Scalar kTick(200, 200, 200);

// A figure's caption is drawn a little larger than the bar's numbers.
constexpr double kCaptionScale = 0.45;

int text_width(const std::string& text, double scale = kFontScale) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width;
}

// 1, 2 or 5 times a power of ten, the nearest to `rough` from above.
double round_step(double rough) {
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * power >= rough) return factor * power;
  }
  return 10.0 * power;
}

}  // namespace

std::string format_scale_value(double value) {
  if (value == 0.0 || !std::isfinite(value)) return value == 0.0 ? "0" : (std::isnan(value) ? "nan" : "inf");
  char text[32];
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) {
    std::snprintf(text, sizeof text, "%.3g", value);
  } else {
    std::snprintf(text, sizeof text, "%.2g", value);  // "8.6e-12"
  }
  return text;
}

std::vector<double> scale_ticks(double low, double high, int inner) {
  if (!(high > low) || inner <= 0) return high > low ? std::vector<double>{low, high} : std::vector<double>{low};
  const double range = high - low;
  const double step = round_step(range / (inner + 1));
  std::vector<double> ticks{low};
  for (double value = std::ceil(low / step) * step; value < high; value += step) {
    // Too close to an end, its number would overlap the end's.
    if (value - low < 0.25 * step || high - value < 0.25 * step) continue;
    ticks.push_back(std::fabs(value) < 1e-9 * step ? 0.0 : value);
  }
  ticks.push_back(high);
  return ticks;
}

RgbImage render_colorbar(const ColorScale& scale, int width) {
  width = std::max(width, 160);
  cv::Mat canvas(kColorbarHeight, width, CV_8UC3, cv::Scalar(40, 40, 40));
  const int bar_width = width - 2 * kMargin;
  for (int x = 0; x < bar_width; ++x) {
    const auto level = static_cast<uint8_t>(std::lround(255.0 * x / std::max(bar_width - 1, 1)));
    const auto rgb = colormap_rgb(scale.colormap, level);
    cv::line(canvas, {kMargin + x, kBarTop}, {kMargin + x, kBarTop + kBarHeight - 1},
             cv::Scalar(rgb[0], rgb[1], rgb[2]));
  }
  if (!scale.title.empty())
    cv::putText(canvas, scale.title, {kMargin, kTitleLine}, cv::FONT_HERSHEY_SIMPLEX, kFontScale, kText, 1,
                cv::LINE_AA);
  const double range = scale.high - scale.low;
  struct Tick {
    int x, left, width;
    std::string text;
  };
  std::vector<Tick> ticks;  // a number that would overlap the one before is left out; the ends always show
  const std::vector<double> values = scale_ticks(scale.low, scale.high);
  for (size_t i = 0; i < values.size(); ++i) {
    const double t = range > 0 ? (values[i] - scale.low) / range : 0.0;
    const int x = kMargin + static_cast<int>(std::lround(t * (bar_width - 1)));
    const std::string number = format_scale_value(values[i]);
    const int w = text_width(number);
    const Tick tick{x, std::clamp(x - w / 2, 1, width - w - 1), w, number};
    const bool last = i + 1 == values.size();
    while (last && ticks.size() > 1 && tick.left < ticks.back().left + ticks.back().width + 6) ticks.pop_back();
    if (!ticks.empty() && tick.left < ticks.back().left + ticks.back().width + 6 && !last) continue;
    ticks.push_back(tick);
  }
  for (const Tick& tick : ticks) {
    cv::line(canvas, {tick.x, kBarTop + kBarHeight}, {tick.x, kBarTop + kBarHeight + 4}, kTick);
    cv::putText(canvas, tick.text, {tick.left, kNumberLine}, cv::FONT_HERSHEY_SIMPLEX, kFontScale, kText, 1,
                cv::LINE_AA);
  }
  RgbImage bar{width, kColorbarHeight, {}};
  bar.pixels.assign(canvas.data, canvas.data + canvas.total() * 3);
  return bar;
}

RgbImage with_colorbar(RgbImage picture, const ColorScale& scale) {
  const int width = std::max(picture.width, 240);
  const RgbImage bar = render_colorbar(scale, width);
  if (picture.width == width) {
    picture.pixels.insert(picture.pixels.end(), bar.pixels.begin(), bar.pixels.end());
    picture.height += bar.height;
    return picture;
  }
  RgbImage joined{width, picture.height + bar.height,
                  std::vector<uint8_t>(static_cast<size_t>(width) * (picture.height + bar.height) * 3, 40)};
  const int left = (width - picture.width) / 2;
  for (int row = 0; row < picture.height; ++row) {
    std::copy_n(picture.pixels.begin() + static_cast<size_t>(row) * picture.width * 3, picture.width * 3,
                joined.pixels.begin() + (static_cast<size_t>(row) * width + left) * 3);
  }
  std::copy(bar.pixels.begin(), bar.pixels.end(),
            joined.pixels.begin() + static_cast<size_t>(picture.height) * width * 3);
  return joined;
}

RgbImage make_figure(const RgbImage& picture, const std::vector<std::string>& caption, const ColorScale& scale,
                     int min_short_side) {
  const int short_side = std::max(1, std::min(picture.width, picture.height));
  const int factor = std::max(1, (min_short_side + short_side - 1) / short_side);
  cv::Mat source(picture.height, picture.width, CV_8UC3, const_cast<uint8_t*>(picture.pixels.data()));
  cv::Mat enlarged;
  cv::resize(source, enlarged, {}, factor, factor, cv::INTER_NEAREST);
  constexpr int kLine = 18;
  int width = enlarged.cols;
  for (const auto& line : caption) width = std::max(width, text_width(line, kCaptionScale) + 12);
  const int caption_height = caption.empty() ? 0 : kLine * static_cast<int>(caption.size()) + 6;
  cv::Mat canvas(caption_height + enlarged.rows, width, CV_8UC3, cv::Scalar(40, 40, 40));
  for (size_t i = 0; i < caption.size(); ++i) {
    cv::putText(canvas, caption[i], {6, kLine * static_cast<int>(i + 1)}, cv::FONT_HERSHEY_SIMPLEX, kCaptionScale, kText, 1,
                cv::LINE_AA);
  }
  enlarged.copyTo(canvas(cv::Rect((width - enlarged.cols) / 2, caption_height, enlarged.cols, enlarged.rows)));
  RgbImage framed{canvas.cols, canvas.rows, {}};
  framed.pixels.assign(canvas.data, canvas.data + canvas.total() * 3);
  return with_colorbar(std::move(framed), scale);
}

}  // namespace actscope
