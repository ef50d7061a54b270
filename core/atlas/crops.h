// What a filter's top images show of it: each image cut to the receptive
// field of the unit where the filter's map peaks (core/model/receptive_fields.h),
// and the top crops of a filter side by side in one tile. Torch-free; any thread.
#pragma once

#include <utility>
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

// Fields smaller than this (pixels on a side) are shown in their image's
// context (field_in_context) rather than cut out and blown up into blocks.
constexpr int kSmallField = 16;

// The whole of `image`, enlarged by a whole factor to at least `min_side`
// pixels on its longer side, with the field of unit (y, x) boxed in yellow
// (255, 210, 0) a pixel outside it (clipped to the picture): where a small
// field lies and what is around it.
RgbImage field_in_context(const RgbImage& image, const ReceptiveField& field, int y, int x, int min_side = 96);

// The width and height of unit fields of `field` in an image of `width` x
// `height` (the whole image for a global or unknown field).
std::pair<int, int> field_size(const ReceptiveField& field, int width, int height);

// Crops (best first) in a square tile of ceil(sqrt(count)) columns, each
// enlarged by a whole factor to at least `cell` pixels on its longer side
// and centred in its cell, 2 dark pixels between cells. Empty for no crops.
RgbImage crops_tile(const std::vector<RgbImage>& crops, int cell = 64);

}  // namespace actscope
