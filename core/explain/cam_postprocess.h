// The post-processing every CAM method shares, as pytorch-grad-cam does it:
// relu, min-max at the layer's resolution, bilinear resize with half-pixel
// centres, min-max again. Torch-free; any thread.
#pragma once

#include <vector>

namespace actscope {

// The post-processing shared by every method, per image (as pytorch-grad-cam
// does): relu (NaN counts as 0), then m = (m - min) / (max + 1e-7) at the layer's resolution,
// then a bilinear resize with half-pixel centres (cv::resize INTER_LINEAR) to
// out_height x out_width. `renormalize` applies the min/max step once more
// after the resize (the final map of one layer).
std::vector<float> scale_cam(const float* raw, int height, int width, int out_height, int out_width,
                             bool renormalize);
// m = (m - min) / (max + 1e-7), in place.
void min_max_normalize(std::vector<float>& map);

}  // namespace actscope
