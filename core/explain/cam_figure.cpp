#include "core/explain/cam_figure.h"

#include <algorithm>
#include <cmath>

#include "core/maps/cam_render.h"

namespace actscope {

ColorScale cam_color_scale(const CamResult& result, int image, Colormap colormap) {
  ColorScale scale{colormap, 0.0, 1.0, "CAM, normalized mean of the layers' maps"};
  if (result.layers.size() != 1 || result.layers.front().raw.dim() != 3) return scale;
  const FloatArray& raw = result.layers.front().raw;
  const int64_t size = raw.shape()[1] * raw.shape()[2];
  const float* map = raw.data() + image * size;
  float low = std::max(0.0f, map[0]), high = low;
  for (int64_t i = 0; i < size; ++i) {
    const float value = std::max(0.0f, map[i]);  // the ReLU the heatmap applies
    low = std::min(low, value);
    high = std::max(high, value);
  }
  scale.low = low;
  scale.high = high;
  scale.title = "CAM of " + result.layers.front().layer + " after ReLU";
  return scale;
}

double cam_target_score(const CamResult& result, int image) {
  if (result.logits.dim() != 2 || image >= result.logits.shape()[0]) return -1.0;
  const int64_t classes = result.logits.shape()[1];
  const int target = result.classes.at(static_cast<size_t>(image));
  if (target < 0 || target >= classes) return -1.0;
  const float* row = result.logits.data() + image * classes;
  const float top = *std::max_element(row, row + classes);
  double sum = 0.0;
  for (int64_t k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(row[k] - top));
  return std::exp(static_cast<double>(row[target] - top)) / sum;
}

RgbImage cam_figure(const CamResult& result, int image, const RgbImage& display,
                    const std::vector<std::string>& caption, float image_weight) {
  const int height = static_cast<int>(result.map.shape()[1]);
  const int width = static_cast<int>(result.map.shape()[2]);
  const RgbImage overlay = cam_overlay(display, result.map.data() + static_cast<int64_t>(image) * height * width,
                                       height, width, Colormap::kJet, image_weight);
  return make_figure(overlay, caption, cam_color_scale(result, image));
}

std::vector<CamMethod> sheet_methods() {
  std::vector<CamMethod> methods;
  for (CamMethod method : all_cam_methods()) {
    if (method != CamMethod::kScoreCam) methods.push_back(method);
  }
  methods.push_back(CamMethod::kScoreCam);  // by far the slowest: last
  return methods;
}

Result<MethodSheet> all_methods_sheet(const Model& model, const InputImage& image, CamOptions options,
                                      float image_weight,
                                      const std::function<bool(size_t done, size_t total)>& progress,
                                      Colormap colormap) {
  const std::vector<CamMethod> methods = sheet_methods();
  const size_t total = methods.size();
  std::vector<RgbImage> pictures{image.display};
  std::vector<std::string> captions{"input"};
  MethodSheet sheet;
  bool cancelled = false;
  for (size_t i = 0; i < methods.size(); ++i) {
    options.method = methods[i];
    options.progress = [&](size_t, size_t) { return !(cancelled = progress && !progress(i, total)); };
    auto result = compute_cam(model, {image}, options);
    if (cancelled || (progress && !progress(i + 1, total))) return Error{"cancelled"};
    if (!result) {
      sheet.notes.push_back(to_string(methods[i]) + ": " + result.error());
      continue;
    }
    const auto& shape = result.value().map.shape();
    pictures.push_back(cam_overlay(image.display, result.value().map.data(), static_cast<int>(shape[1]),
                                   static_cast<int>(shape[2]), colormap, image_weight));
    captions.push_back(to_string(methods[i]));
  }
  if (pictures.size() == 1) return Error{"no CAM method could be computed: " + sheet.notes.front()};
  sheet.sheet = compose_sheet(pictures, captions);
  sheet.pictures = std::move(pictures);
  sheet.captions = std::move(captions);
  return sheet;
}

}  // namespace actscope
