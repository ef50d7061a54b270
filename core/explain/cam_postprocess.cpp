#include "core/explain/cam_postprocess.h"

#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace actscope {

void min_max_normalize(std::vector<float>& map) {
  if (map.empty()) return;
  const auto [low, high] = std::minmax_element(map.begin(), map.end());
  const float min = *low;
  const float max = *high - min;
  for (float& value : map) value = (value - min) / (max + 1e-7f);
}

std::vector<float> scale_cam(const float* raw, int height, int width, int out_height, int out_width,
                             bool renormalize) {
  std::vector<float> map(raw, raw + static_cast<size_t>(height) * width);
  for (float& value : map) value = value > 0.0f ? value : 0.0f;  // relu; NaN counts as no evidence
  min_max_normalize(map);
  if (height != out_height || width != out_width) {
    const cv::Mat source(height, width, CV_32F, map.data());
    cv::Mat resized;
    cv::resize(source, resized, cv::Size(out_width, out_height), 0, 0, cv::INTER_LINEAR);
    map.assign(resized.ptr<float>(), resized.ptr<float>() + resized.total());
  }
  if (renormalize) min_max_normalize(map);
  return map;
}

}  // namespace actscope
