// A class activation map drawn for a person: the heatmap over the image, the
// image masked by the map, and pictures side by side with captions (the
// `--method all` sheet). Torch-free; any thread.
#pragma once

#include <string>
#include <vector>

#include "core/base/rgb_image.h"
#include "core/maps/grid.h"

namespace actscope {

// The heatmap of `map` (height x width on [0,1], resized to the image when
// the sizes differ) through `colormap`, blended with `image`:
// (1 - image_weight) * heatmap + image_weight * image, then scaled so that
// its brightest channel is 255 (as pytorch-grad-cam's show_cam_on_image).
RgbImage cam_overlay(const RgbImage& image, const float* map, int height, int width,
                     Colormap colormap = Colormap::kJet, float image_weight = 0.5f);
// The image times the map: what the model used, the rest dark.
RgbImage cam_masked(const RgbImage& image, const float* map, int height, int width);

// `picture` (drawn over a model input of its size) put back where that
// input was cut from the whole photo `context` (at crop_x, crop_y): the rest
// of the photo dimmed to 40%, the crop framed in white. `picture` itself
// when there is no context.
RgbImage in_context(const RgbImage& context, int crop_x, int crop_y, const RgbImage& picture);

// Pictures side by side with a caption above each (for `--method all`).
RgbImage compose_sheet(const std::vector<RgbImage>& pictures, const std::vector<std::string>& captions,
                       int min_size = 160);

}  // namespace actscope
