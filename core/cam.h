// Class activation maps: where the model looked for a class. The Grad-CAM
// family (gradients of the class logit taken only down to the chosen layer),
// EigenCAM, Score-CAM and the CAM of Zhou et al., post-processed as the
// Python library pytorch-grad-cam does, and drawn over the input image.
//
// Model::cam (model.h) computes them; this header is torch-free.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/float_array.h"
#include "core/grid.h"
#include "core/image_input.h"
#include "core/result.h"

namespace actscope {

enum class CamMethod {
  kGradCam,
  kHiResCam,
  kGradCamPlusPlus,
  kXGradCam,
  kLayerCam,
  kEigenCam,
  kScoreCam,
  kCam
};

// Every method, in the order sheets show them.
const std::vector<CamMethod>& all_cam_methods();
// "gradcam", "hirescam", "gradcam++", "xgradcam", "layercam", "eigencam", "scorecam", "cam".
std::string to_string(CamMethod method);
Result<CamMethod> parse_cam_method(const std::string& name);
// gradcam, hirescam, gradcam++, xgradcam and layercam need gradients.
bool uses_gradients(CamMethod method);

struct CamOptions {
  CamMethod method = CamMethod::kGradCam;
  // Layers with [N, C, h, w] output; empty means Model::default_cam_layer().
  // Several layers: one forward (and one backward) for all, and the map is
  // the mean of the layers' maps.
  std::vector<std::string> layers;
  // The target class; unset means each image's predicted class.
  std::optional<int> target_class;
  // Score-CAM: masked inputs per forward pass.
  int score_batch_size = 32;
  // Score-CAM reports (done, total) masked inputs here, from the calling
  // thread; returning false cancels the run (it returns the error
  // "cancelled"). May be empty.
  std::function<bool(size_t done, size_t total)> progress;
};

struct CamLayerMap {
  std::string layer;
  // sum_k w_k A_k at the layer's resolution, [N, h, w]: before relu and any
  // normalization, so that maps of different images can be compared.
  FloatArray raw;
  // This layer's map on its own, post-processed, [N, H, W] on [0, 1].
  FloatArray map;
};

struct CamResult {
  CamMethod method = CamMethod::kGradCam;
  FloatArray logits;         // [N, classes]
  std::vector<int> classes;  // the target class of each image
  std::vector<CamLayerMap> layers;
  // The final map at the input's height and width, [N, H, W] on [0, 1]:
  // the layer's map, or the mean of the layers' maps normalized again.
  FloatArray map;
};

// The post-processing shared by every method, per image (as pytorch-grad-cam
// does): relu (NaN counts as 0), then m = (m - min) / (max + 1e-7) at the layer's resolution,
// then a bilinear resize with half-pixel centres (cv::resize INTER_LINEAR) to
// out_height x out_width. `renormalize` applies the min/max step once more
// after the resize (the final map of one layer).
std::vector<float> scale_cam(const float* raw, int height, int width, int out_height, int out_width,
                             bool renormalize);
// m = (m - min) / (max + 1e-7), in place.
void min_max_normalize(std::vector<float>& map);

// The heatmap of `map` (height x width on [0,1], resized to the image when
// the sizes differ) through `colormap`, blended with `image`:
// (1 - image_weight) * heatmap + image_weight * image, then scaled so that
// its brightest channel is 255 (as pytorch-grad-cam's show_cam_on_image).
RgbImage cam_overlay(const RgbImage& image, const float* map, int height, int width,
                     Colormap colormap = Colormap::kJet, float image_weight = 0.5f);
// The image times the map: what the model used, the rest dark.
RgbImage cam_masked(const RgbImage& image, const float* map, int height, int width);

// Pictures side by side with a caption above each (for `--method all`).
RgbImage compose_sheet(const std::vector<RgbImage>& pictures, const std::vector<std::string>& captions,
                       int min_size = 160);

}  // namespace actscope
