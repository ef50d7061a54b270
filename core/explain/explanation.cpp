#include "core/explain/explanation.h"

#include <filesystem>
#include <string>

namespace actscope {

ImageExplanation explain_image_or_reason(const Model& model, const InputImage& input, int true_class) {
  auto explanation = explain_image(model, input, true_class);
  std::string problem;
  if (!explanation) {
    problem = explanation.error();
    explanation = explain_image(model, input, -1);
  }
  ImageExplanation shown;
  if (explanation) {
    shown = std::move(explanation).value();
  } else {
    shown.display = input.display;
    shown.name = std::filesystem::path(input.name).filename().string();
    problem = explanation.error();
  }
  if (!problem.empty()) shown.cam_error = problem;
  return shown;
}

}  // namespace actscope
