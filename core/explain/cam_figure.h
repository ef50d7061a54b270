// What a class activation map's colours mean, and the figure "Export Grad-CAM
// Overlay" writes: the heatmap over the image, large enough to read, with a
// caption and the colour bar in the CAM's own units.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/explain/cam.h"
#include "core/maps/colorbar.h"

namespace actscope {

// The scale of image `image`'s heatmap: for one layer, the range of its map
// after the ReLU (what 0 and 1 of the heatmap stand for: sum_k w_k A_k); for
// several layers, 0..1 of their normalized mean.
ColorScale cam_color_scale(const CamResult& result, int image, Colormap colormap = Colormap::kJet);

// The softmax probability of image `image`'s target class, or a negative
// number when the result has no logits.
double cam_target_score(const CamResult& result, int image);

// The overlay of image `image` over `display` (core/maps/cam_render.h) as a
// figure: at least 224 pixels on its shorter side, `caption` above, the
// colour bar below.
RgbImage cam_figure(const CamResult& result, int image, const RgbImage& display,
                    const std::vector<std::string>& caption, float image_weight = 0.5f);

// Every method's map of one image, side by side after the input.
struct MethodSheet {
  RgbImage sheet;  // the pictures side by side under their captions, as exported
  std::vector<RgbImage> pictures;      // the input, then each method's overlay
  std::vector<std::string> captions;   // "input", then each method's name
  std::vector<std::string> notes;  // "scorecam: <why it failed>" for methods that could not be computed
};

// The methods of an All Methods sheet in the sheet's order: every method,
// the slow Score-CAM last (the window's sheet and `actscope-cli cam --method
// all`, one image or many, draw them so).
std::vector<CamMethod> sheet_methods();

// The CAM of `image` by every method (sheet_methods()) for `options`'
// layers and class, each over the image through `colormap`;
// `progress(done, total)` after each method and during Score-CAM; returning
// false cancels (the call returns "cancelled"). The sheet the window shows
// and `actscope-cli cam --method all` writes. One call at a time per Model;
// any thread.
Result<MethodSheet> all_methods_sheet(const Model& model, const InputImage& image, CamOptions options,
                                      float image_weight,
                                      const std::function<bool(size_t done, size_t total)>& progress,
                                      Colormap colormap = Colormap::kJet);

}  // namespace actscope
