// A unit's effective receptive field drawn for a person: the gradient
// heatmap over the input image with the unit's theoretical window as a box,
// captioned, with its colour bar (what `actscope-cli rf` writes).
// Torch-free; any thread.
#pragma once

#include <string>
#include <vector>

#include "core/base/rgb_image.h"
#include "core/explain/effective_field.h"

namespace actscope {

// "layer L, unit (y, x), filter F" / "all filters", the theoretical field
// and the share of the gradient inside it, as caption lines.
std::vector<std::string> field_caption(const UnitRequest& unit, const EffectiveField& field);

// The heatmap of field.map over `display` (the model's input image),
// enlarged to at least 224 pixels on its shorter side, the theoretical
// window outlined (when the field is spatial), `caption` above and the
// colour bar (|gradient| summed over the input channels) below.
RgbImage field_figure(const EffectiveField& field, const RgbImage& display, const std::vector<std::string>& caption,
                      float image_weight = 0.5f);

}  // namespace actscope
