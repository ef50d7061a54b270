// The effective receptive field of one unit (Luo, Li, Urtasun and Zemel,
// "Understanding the Effective Receptive Field in Deep Convolutional Neural
// Networks", NeurIPS 2016): how strongly each input pixel moves that unit on
// this image, as the gradient of the unit with respect to the input, beside
// the theoretical field (core/model/receptive_fields.h) it lies in.
// Torch-free header.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/capture/receptive_field.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

struct UnitRequest {
  std::string layer;  // a capturable layer with maps [1, C, h, w]
  int64_t y = 0;      // the unit's row and column in the layer's map
  int64_t x = 0;
  int64_t filter = -1;  // one filter, or -1: the sum over the layer's filters
};

struct EffectiveField {
  // [H, W] of the model input: |d unit / d input| summed over the input's
  // channels, divided by its maximum (all zero when the gradient is zero).
  FloatArray map;
  double raw_max = 0.0;  // that maximum before the division
  double unit_value = 0.0;
  // The layer's theoretical field, and the unit's window in it clipped to
  // the input (empty spans unless the field is kSpatial).
  ReceptiveField theoretical;
  PixelSpan rows;
  PixelSpan cols;
  // The share of the summed gradient inside that window; -1 when the field
  // is not kSpatial or the gradient is zero.
  double share_inside = -1.0;
};

// Runs `image` through the model with autograd from the input on and takes
// the gradient of the unit. Errors for unknown layers, layers without maps,
// units or filters out of range, and layers the input does not reach.
// One call at a time per Model; any thread.
Result<EffectiveField> effective_field(const Model& model, const InputImage& image, const UnitRequest& unit);

}  // namespace actscope
