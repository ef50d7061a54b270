// layers: every layer (capture point) of a model with its kind and output
// shape, and why a layer cannot be captured, as text or JSON.
#include "app/cli/commands.h"

#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/base/float_array.h"

namespace actscope::cli {
namespace {

// The shape as core writes it, "?" while it is unknown (a model without a card).
std::string shape_text(const std::vector<int64_t>& shape) {
  return shape.empty() ? "?" : shape_string(shape);
}

void print_layers_json(const std::vector<LayerInfo>& layers) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& layer : layers) {
    nlohmann::json entry = {{"name", layer.name},     {"kind", layer.kind},
                            {"parent", layer.parent}, {"module", layer.is_module},
                            {"shape", layer.shape},   {"capturable", layer.capturable}};
    if (!layer.capturable) entry["reason"] = layer.not_capturable_reason;
    all.push_back(entry);
  }
  std::cout << all.dump(2) << "\n";
}

void print_layers_text(const std::vector<LayerInfo>& layers) {
  for (const auto& layer : layers) {
    std::cout << std::left << std::setw(36) << layer.name << " " << std::setw(20) << layer.kind << " "
              << std::setw(16) << shape_text(layer.shape);
    if (!layer.capturable) std::cout << " not capturable: " << layer.not_capturable_reason;
    std::cout << "\n";
  }
}

}  // namespace

int run_layers(const LayersOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/false);
  if (!model) return fail(model.error());
  if (!model.value()->layers_notice().empty())
    std::cerr << "note: " << model.value()->layers_notice() << "\n";
  if (model.value()->card_source() == CardSource::kNone) {
    std::cerr << "note: the model has no card; give --input-size HxW to see output shapes\n";
  }
  if (options.json) {
    print_layers_json(model.value()->layers());
  } else {
    print_layers_text(model.value()->layers());
  }
  return 0;
}

}  // namespace actscope::cli
