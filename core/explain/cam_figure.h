// What a class activation map's colours mean, and the figure "Export Grad-CAM
// Overlay" writes: the heatmap over the image, large enough to read, with a
// caption and the colour bar in the CAM's own units.
#pragma once

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

}  // namespace actscope
