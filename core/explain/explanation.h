// An explanation that always has something to show: the prediction and
// Grad-CAMs of explain_image when they can be made, else as much of them as
// can be, with the reason for what is missing. The desktop program's compare
// mode shows it for each of the two images.
#pragma once

#include "core/explain/compare_sheet.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

// explain_image(model, input, true_class), falling back when it fails: a true
// class the model does not have still leaves the prediction (as with
// true_class -1); a model that fails leaves the picture and the file name.
// Whatever failed is in cam_error. One call at a time per Model; any thread.
ImageExplanation explain_image_or_reason(const Model& model, const InputImage& input, int true_class);

}  // namespace actscope
