// What a filter's top images show of it: each image cut to the receptive
// field of the unit where the filter's map peaks (core/model/receptive_fields.h),
// and the top crops of a filter side by side in one tile. Torch-free; any thread.
#pragma once

#include <vector>

#include "core/base/rgb_image.h"
#include "core/capture/receptive_field.h"

namespace actscope {

// The gray (128) drawn where a unit's field lies outside the image or
// beyond what the layer sees.
constexpr uint8_t kOutsideGray = 128;

// The input pixels unit (y, x) of a layer with `field` sees in `image` (the
// model input as displayed): a window of the field's full size, with pixels
// outside the image or the layer's reach gray. A field that covers the whole
// image (global, or unknown) gives the whole image; a unit of padding gives
// an all-gray window.
RgbImage field_crop(const RgbImage& image, const ReceptiveField& field, int y, int x);

// Crops (best first) in a square tile of ceil(sqrt(count)) columns, each
// enlarged by a whole factor to at least `cell` pixels on its longer side
// and centred in its cell, 2 dark pixels between cells. Empty for no crops.
RgbImage crops_tile(const std::vector<RgbImage>& crops, int cell = 64);

}  // namespace actscope
