#include "core/explain/compare_sheet.h"
#include "core/maps/cam_render.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace actscope {
namespace {

std::string percent(float probability) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", probability * 100.0);
  return text;
}

// The CAM of `image` as the sheet shows it: an overlay, or the input alone
// when there is no map.
RgbImage cam_picture(const ImageExplanation& image, const std::vector<float>& map) {
  if (map.empty()) return image.display;
  return cam_overlay(image.display, map.data(), image.cam_height, image.cam_width);
}

// The input, its CAM for the predicted class and, when known, for the true class.
void add_image_panels(const ModelCard& card, const std::string& letter, const ImageExplanation& image,
                      std::vector<RgbImage>& pictures, std::vector<std::string>& captions) {
  pictures.push_back(image.display);
  captions.push_back(describe_prediction(card, letter, image));
  if (!image.cam_error.empty()) {
    pictures.push_back(image.display);
    captions.push_back(letter + " no Grad-CAM: " + image.cam_error.substr(0, 60));
  }
  if (image.cam_layer.empty()) return;
  pictures.push_back(cam_picture(image, image.cam_predicted));
  captions.push_back(letter + " Grad-CAM " + card.label(image.predicted.class_index) + " (predicted)");
  if (image.true_class >= 0 && !image.cam_true.empty()) {
    pictures.push_back(cam_picture(image, image.cam_true));
    captions.push_back(letter + " Grad-CAM " + card.label(image.true_class) + " (true)");
  }
}

RgbImage compose_top_filters(const LayerComparison& comparison, int count) {
  std::vector<RgbImage> rows;
  const int shown = std::min<int>(count, static_cast<int>(comparison.ranking.size()));
  if (shown <= 0) return {};
  for (int i = 0; i < shown; ++i) {
    const FilterDifference& filter = comparison.ranking[i];
    const int f = filter.filter;
    const int height = comparison.a.height;
    const int width = comparison.a.width;
    char difference[48];
    std::snprintf(difference, sizeof difference, "A - B  mean %+.3g", filter.difference);
    rows.push_back(compose_sheet({colorize(comparison.a.map(f), height, width, Colormap::kViridis),
                                  colorize(comparison.b.map(f), height, width, Colormap::kViridis),
                                  colorize(comparison.difference.map(f), height, width, Colormap::kCoolwarm)},
                                 {"filter " + std::to_string(f) + "  A", "B", difference}, 64));
  }
  return stack_vertically(rows, 0);
}

}  // namespace

std::string describe_prediction(const ModelCard& card, const std::string& letter,
                                const ImageExplanation& image) {
  std::string text = letter + ": " + image.name + "  " + card.label(image.predicted.class_index) + " " +
                     percent(image.predicted.probability);
  if (image.true_class >= 0 && image.true_class != image.predicted.class_index) {
    text += "  true " + card.label(image.true_class);
  }
  return text;
}

Result<ImageExplanation> explain_image(const Model& model, const InputImage& input, int true_class) {
  auto logits = model.logits({input});
  if (!logits) return Error{logits.error()};
  const std::vector<float>& scores = logits.value().front();
  if (true_class >= static_cast<int>(scores.size())) {
    return Error{"true class " + std::to_string(true_class) + " is not one of the model's " +
                 std::to_string(scores.size()) + " classes"};
  }
  ImageExplanation image;
  image.name = std::filesystem::path(input.name).filename().string();
  image.display = input.display;
  image.true_class = true_class;
  image.predicted = top_classes(scores, 1).front();

  CamOptions options;
  options.target_class = image.predicted.class_index;
  auto predicted = compute_cam(model, {input}, options);
  if (!predicted) {
    image.cam_error = predicted.error();
    return image;
  }
  const FloatArray& map = predicted.value().map;
  image.cam_layer = predicted.value().layers.front().layer;
  image.cam_height = static_cast<int>(map.shape()[1]);
  image.cam_width = static_cast<int>(map.shape()[2]);
  image.cam_predicted.assign(map.data(), map.data() + map.size());
  if (true_class < 0) return image;
  if (true_class == image.predicted.class_index) {
    image.cam_true = image.cam_predicted;
    return image;
  }
  options.target_class = true_class;
  auto truth = compute_cam(model, {input}, options);
  if (!truth) {
    image.cam_error = truth.error();
    return image;
  }
  image.cam_true.assign(truth.value().map.data(), truth.value().map.data() + truth.value().map.size());
  return image;
}

ComparisonGrids compose_comparison_grids(const std::string& layer, const std::string& caption_a,
                                         const std::string& caption_b, const LayerComparison& comparison) {
  ComparisonGrids grids;
  GridOptions options;
  options.top_k = std::numeric_limits<int>::max();
  options.caption = {caption_a, layer + "  one range per filter for A and B"};
  grids.a = compose_grid(comparison.a, options);
  options.caption = {caption_b, layer + "  one range per filter for A and B"};
  grids.b = compose_grid(comparison.b, options);
  char scale[64];
  std::snprintf(scale, sizeof scale, "A - B, one scale for the layer: +/-%.3g", comparison.difference_scale);
  options.caption = {scale, layer};
  options.colormap = Colormap::kCoolwarm;
  grids.difference = compose_grid(comparison.difference, options);
  return grids;
}

ComparisonFigures compose_comparison(const ModelCard& card, const std::string& layer,
                                     const ImageExplanation& a, const ImageExplanation& b,
                                     const LayerComparison& comparison, int top_filters) {
  ComparisonFigures figures;
  static_cast<ComparisonGrids&>(figures) = compose_comparison_grids(
      layer, describe_prediction(card, "A", a), describe_prediction(card, "B", b), comparison);
  figures.top_filters = compose_top_filters(comparison, top_filters);

  std::vector<RgbImage> pictures;
  std::vector<std::string> captions;
  add_image_panels(card, "A", a, pictures, captions);
  add_image_panels(card, "B", b, pictures, captions);
  std::vector<RgbImage> parts = {
      compose_sheet(pictures, captions),
      compose_sheet({figures.a.image, figures.b.image, figures.difference.image}, {"A", "B", "A - B"}, 0)};
  if (figures.top_filters.height > 0) {
    parts.push_back(
        compose_sheet({figures.top_filters},
                      {"the " + std::to_string(std::min<size_t>(top_filters, comparison.ranking.size())) +
                       " filters whose mean differs most"},
                      0));
  }
  figures.sheet = stack_vertically(parts);
  return figures;
}

}  // namespace actscope
