// The explain room: why the model decided what it did. Class activation maps
// (here), the comparison of two images at one layer and the partner proposal
// (compare.h), and the comparison sheet (compare_sheet.h). Built on the
// model room; nothing below includes it.
//
// Class activation maps: where the model looked for a class. The Grad-CAM
// family (gradients of the class logit taken only down to the chosen layer),
// EigenCAM, Score-CAM and the CAM of Zhou et al., post-processed as the
// Python library pytorch-grad-cam does (cam_postprocess.h); maps/cam_render.h
// draws them over the input image. This header is torch-free.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

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
  // Layers with [N, C, h, w] output; empty means default_cam_layer().
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

// Class activation maps of the requested layers for an input batch already
// normalized, [N, C, H, W]. Gradient methods run one forward in grad mode
// with autograd recording only from the earliest requested layer on, and
// differentiate the raw target logit down to the layers only. Errors name
// the layer or model at fault. One call at a time per Model; any thread.
Result<CamResult> compute_cam(const Model& model, const FloatArray& input, const CamOptions& options);
// The same for images made for the model's card.
Result<CamResult> compute_cam(const Model& model, const std::vector<InputImage>& images,
                              const CamOptions& options);

// The layer a CAM uses when none is named: the last capturable layer whose
// output is [N, C, h, w] with h * w > 1. Requires known layer shapes.
Result<std::string> default_cam_layer(const Model& model);

}  // namespace actscope
