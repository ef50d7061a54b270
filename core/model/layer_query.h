// Questions about a model's layers that the front ends and the features ask:
// which layers can be drawn or used for a CAM, which pairs are the same
// values before and after an activation, which layer feeds the classifier,
// and which names are closest to a mistyped one.
#pragma once

#include <string>
#include <vector>

#include "core/model/model.h"

namespace actscope {

// True for a capturable layer whose output is [N, C, h, w] with h * w > 1:
// the layers a CAM can use.
bool has_spatial_maps(const LayerInfo& layer);

// True for a capturable layer whose output can be drawn as a grid: maps
// [N, C, h, w] or a vector [N, F].
bool is_drawable(const LayerInfo& layer);

// The same values before and after an activation (a ReLU and its input).
struct ActivationPair {
  std::string before;  // the activation's input; "" when `layer` is in no pair
  std::string after;   // the activation's output
};

// The pair `layer` belongs to, as the activation (`after` is `layer`) or as
// its input (`before` is `layer`, `after` the last activation that reads
// it); both empty when it is in none.
ActivationPair activation_pair(const Model& model, const std::string& layer);

// The layer whose output feeds the classifier: the last capturable layer
// before the one that produces the logits ("" when there is none).
std::string penultimate_layer(const Model& model);

// The layer names closest to `name` (for "unknown layer" messages).
std::vector<std::string> closest_layer_names(const Model& model, const std::string& name, size_t count = 3);

// The index in Model::layers() of the layer `name`, which must be capturable;
// errors name an unknown layer (unknown_layer_message) or say why the layer
// cannot be captured.
Result<size_t> capturable_layer_index(const Model& model, const std::string& name);

// "<model path>: unknown layer '<name>'; closest: a, b, c".
std::string unknown_layer_message(const Model& model, const std::string& name);

}  // namespace actscope
