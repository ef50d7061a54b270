#include "core/model/layer_query.h"

#include <algorithm>

namespace actscope {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = diagonal + (a[i - 1] != b[j - 1]);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

}  // namespace

bool has_spatial_maps(const LayerInfo& layer) {
  return layer.capturable && layer.shape.size() == 4 && layer.shape[2] * layer.shape[3] > 1;
}

bool is_drawable(const LayerInfo& layer) {
  return layer.capturable && (layer.shape.size() == 4 || layer.shape.size() == 2);
}

ActivationPair activation_pair(const Model& model, const std::string& layer) {
  const LayerInfo* info = model.find_layer(layer);
  if (!info) return {};
  if (!info->pre_activation.empty()) return {info->pre_activation, layer};
  ActivationPair pair;
  for (const auto& other : model.layers()) {  // the last activation that reads `layer`
    if (other.pre_activation == layer) pair = {layer, other.name};
  }
  return pair;
}

std::string penultimate_layer(const Model& model) {
  const auto& layers = model.layers();
  bool skipped_output = false;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    if (!layer->capturable) continue;
    if (!skipped_output) {
      skipped_output = true;  // the logits
      continue;
    }
    return layer->name;
  }
  return "";
}

std::vector<std::string> closest_layer_names(const Model& model, const std::string& name, size_t count) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& layer : model.layers()) scored.emplace_back(edit_distance(name, layer.name), layer.name);
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (size_t i = 0; i < std::min(count, scored.size()); ++i) names.push_back(scored[i].second);
  return names;
}

std::string unknown_layer_message(const Model& model, const std::string& name) {
  std::string closest;
  for (const auto& candidate : closest_layer_names(model, name)) closest += (closest.empty() ? "" : ", ") + candidate;
  return model.path() + ": unknown layer '" + name + "'; closest: " + closest;
}

Result<size_t> capturable_layer_index(const Model& model, const std::string& name) {
  const auto& layers = model.layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].name != name) continue;
    if (!layers[i].capturable) return Error{"layer '" + name + "' cannot be captured: " + layers[i].not_capturable_reason};
    return i;
  }
  return Error{unknown_layer_message(model, name)};
}

}  // namespace actscope
