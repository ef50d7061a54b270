// The CAM methods' names, for command lines, menus and captions.
#include "core/explain/cam.h"

namespace actscope {

const std::vector<CamMethod>& all_cam_methods() {
  static const std::vector<CamMethod> methods = {
      CamMethod::kGradCam,  CamMethod::kHiResCam, CamMethod::kGradCamPlusPlus, CamMethod::kXGradCam,
      CamMethod::kLayerCam, CamMethod::kEigenCam, CamMethod::kScoreCam,        CamMethod::kCam};
  return methods;
}

std::string to_string(CamMethod method) {
  switch (method) {
    case CamMethod::kGradCam:
      return "gradcam";
    case CamMethod::kHiResCam:
      return "hirescam";
    case CamMethod::kGradCamPlusPlus:
      return "gradcam++";
    case CamMethod::kXGradCam:
      return "xgradcam";
    case CamMethod::kLayerCam:
      return "layercam";
    case CamMethod::kEigenCam:
      return "eigencam";
    case CamMethod::kScoreCam:
      return "scorecam";
    case CamMethod::kCam:
      return "cam";
  }
  return "gradcam";
}

Result<CamMethod> parse_cam_method(const std::string& name) {
  for (CamMethod method : all_cam_methods()) {
    if (to_string(method) == name) return method;
  }
  return Error{"unknown CAM method '" + name +
               "' (use gradcam, hirescam, gradcam++, xgradcam, layercam, eigencam, scorecam or cam)"};
}

bool uses_gradients(CamMethod method) {
  return method != CamMethod::kEigenCam && method != CamMethod::kScoreCam && method != CamMethod::kCam;
}

}  // namespace actscope
