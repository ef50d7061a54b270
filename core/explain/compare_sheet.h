// The comparison sheet of two images: what the model predicts for each, where
// each one's evidence lies (Grad-CAM for its predicted and its true class),
// their maps of one layer side by side with the difference A - B, and the
// filters that fire most differently. The CLI writes it; the window exports it.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/explain/cam.h"
#include "core/explain/compare.h"
#include "core/maps/grid.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

// One image of a comparison: its prediction and its CAMs.
struct ImageExplanation {
  std::string name;  // for captions: the input's file name ("t10k[42]" for an IDX image)
  RgbImage display;
  int true_class = -1;  // -1: unknown
  ClassScore predicted;
  std::string cam_layer;  // empty when no CAM could be made (cam_error says why)
  std::string cam_error;
  int cam_height = 0;
  int cam_width = 0;
  std::vector<float> cam_predicted;  // Grad-CAM for the predicted class, cam_height x cam_width on [0, 1]
  std::vector<float> cam_true;       // for the true class; empty when it is unknown or failed
};

// Predicts `input` and computes its Grad-CAM at the model's default CAM layer
// for the predicted class and, when `true_class` >= 0, for the true class
// (the same map when the two agree). When a CAM cannot be made (a model
// without a layer for it) the prediction is still given, with cam_error
// saying why. Errors when the forward fails or `true_class` is not a class of
// the model. One call at a time per Model; any thread.
Result<ImageExplanation> explain_image(const Model& model, const InputImage& input, int true_class);

struct ComparisonGrids {
  Grid a;           // A's maps, one range per filter shared with B
  Grid b;           // B's maps on the same ranges
  Grid difference;  // A - B on one scale for the layer, coolwarm
};

// The three grids of `comparison` (of `layer`), every filter shown; the
// captions start with `caption_a` and `caption_b`. Any thread.
ComparisonGrids compose_comparison_grids(const std::string& layer, const std::string& caption_a,
                                         const std::string& caption_b, const LayerComparison& comparison);

// The three grids, and:
struct ComparisonFigures : ComparisonGrids {
  // The `top_filters` most different filters: A's, B's and the difference's
  // tile of each, one row per filter.
  RgbImage top_filters;
  // Both images with labels and confidences, their CAMs, the three grids and
  // the top filters, one below the other.
  RgbImage sheet;
};

// Composes the figures of `comparison`, the comparison of `layer` for images
// `a` and `b`; class names come from `card`. Any thread.
ComparisonFigures compose_comparison(const ModelCard& card, const std::string& layer,
                                     const ImageExplanation& a, const ImageExplanation& b,
                                     const LayerComparison& comparison, int top_filters = 6);

// "A: shoe.png  Sneaker 93.1%" (and "  true Sandal" when the true class is
// known and differs).
std::string describe_prediction(const ModelCard& card, const std::string& letter,
                                const ImageExplanation& image);

}  // namespace actscope
