#include "core/maps/cam_render.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace actscope {

namespace {

// `map` at the image's size.
cv::Mat map_for(const RgbImage& image, const float* map, int height, int width) {
  const cv::Mat source(height, width, CV_32F, const_cast<float*>(map));
  if (height == image.height && width == image.width) return source.clone();
  cv::Mat resized;
  cv::resize(source, resized, cv::Size(image.width, image.height), 0, 0, cv::INTER_LINEAR);
  return resized;
}

const cv::Mat image_mat(const RgbImage& image) {
  return cv::Mat(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
}

RgbImage to_rgb_image(const cv::Mat& rgb) {
  const cv::Mat packed = rgb.isContinuous() ? rgb : rgb.clone();
  return RgbImage{packed.cols, packed.rows,
                  std::vector<uint8_t>(packed.data, packed.data + packed.total() * 3)};
}

}  // namespace

RgbImage cam_overlay(const RgbImage& image, const float* map, int height, int width, Colormap colormap,
                     float image_weight) {
  const cv::Mat scaled = map_for(image, map, height, width);
  const RgbImage heat = colorize(scaled.ptr<float>(), scaled.rows, scaled.cols, colormap);
  cv::Mat blend;
  cv::addWeighted(image_mat(heat), 1.0 - image_weight, image_mat(image), image_weight, 0.0, blend, CV_32FC3);
  double max = 0;
  cv::minMaxLoc(blend.reshape(1), nullptr, &max);
  cv::Mat out;
  blend.convertTo(out, CV_8UC3, max > 0 ? 255.0 / max : 1.0);
  return to_rgb_image(out);
}

RgbImage cam_masked(const RgbImage& image, const float* map, int height, int width) {
  const cv::Mat scaled = map_for(image, map, height, width);
  cv::Mat weights;
  cv::cvtColor(scaled, weights, cv::COLOR_GRAY2RGB);
  cv::Mat pixels;
  image_mat(image).convertTo(pixels, CV_32FC3);
  cv::Mat out;
  cv::Mat(pixels.mul(weights)).convertTo(out, CV_8UC3);
  return to_rgb_image(out);
}

RgbImage compose_sheet(const std::vector<RgbImage>& pictures, const std::vector<std::string>& captions,
                       int min_size) {
  constexpr int kCaption = 22;
  constexpr int kGap = 4;
  int cell_width = 0;
  int cell_height = 0;
  for (const auto& picture : pictures) {
    const int longest = std::max({1, picture.width, picture.height});
    const int scale = std::max(1, (min_size + longest - 1) / longest);
    cell_width = std::max(cell_width, picture.width * scale);
    cell_height = std::max(cell_height, picture.height * scale);
  }
  for (const auto& caption : captions) {  // room for every caption
    int baseline = 0;
    cell_width =
        std::max(cell_width, cv::getTextSize(caption, cv::FONT_HERSHEY_SIMPLEX, 0.5, 1, &baseline).width + 6);
  }
  const int count = static_cast<int>(pictures.size());
  cv::Mat canvas(kCaption + cell_height + 2 * kGap, std::max(1, count * (cell_width + kGap) + kGap), CV_8UC3,
                 cv::Scalar(40, 40, 40));
  for (int i = 0; i < count; ++i) {
    const int x = kGap + i * (cell_width + kGap);
    if (i < static_cast<int>(captions.size())) {
      cv::putText(canvas, captions[i], cv::Point(x + 2, kCaption - 6), cv::FONT_HERSHEY_SIMPLEX, 0.5,
                  cv::Scalar(235, 235, 235), 1, cv::LINE_AA);
    }
    const RgbImage& picture = pictures[i];
    if (picture.width == 0 || picture.height == 0) continue;
    const int scale = std::max(1, std::min(cell_width / picture.width, cell_height / picture.height));
    cv::resize(image_mat(picture),
               canvas(cv::Rect(x, kCaption + kGap, picture.width * scale, picture.height * scale)),
               cv::Size(picture.width * scale, picture.height * scale), 0, 0, cv::INTER_NEAREST);
  }
  return to_rgb_image(canvas);
}

RgbImage in_context(const RgbImage& context, int crop_x, int crop_y, const RgbImage& picture) {
  if (context.width == 0 || context.height == 0) return picture;
  RgbImage placed = context;
  for (uint8_t& value : placed.pixels) value = static_cast<uint8_t>(value * 2 / 5);
  auto at = [&placed](int x, int y) { return placed.pixels.data() + (static_cast<size_t>(y) * placed.width + x) * 3; };
  for (int y = 0; y < picture.height; ++y) {
    for (int x = 0; x < picture.width; ++x) {
      const int px = crop_x + x;
      const int py = crop_y + y;
      if (px < 0 || py < 0 || px >= placed.width || py >= placed.height) continue;
      std::copy_n(picture.pixels.data() + (static_cast<size_t>(y) * picture.width + x) * 3, 3, at(px, py));
    }
  }
  // The frame: a pixel outside the crop, where the photo has room for it.
  draw_frame(placed, crop_x - 1, crop_y - 1, crop_x + picture.width, crop_y + picture.height, 255, 255, 255);
  return placed;
}

}  // namespace actscope
