// layers: every layer (capture point) of a model with its kind and output
// shape, and why a layer cannot be captured, as text or JSON.
#include "app/cli/commands.h"

#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/base/float_array.h"
#include "core/base/json_text.h"
#include "core/model/receptive_fields.h"

namespace actscope::cli {
namespace {

// The shape as core writes it, "?" while it is unknown (a model without a card).
std::string shape_text(const std::vector<int64_t>& shape) {
  return shape.empty() ? "?" : shape_string(shape);
}

nlohmann::json field_json(const ReceptiveField& field) {
  switch (field.kind) {
    case ReceptiveField::Kind::kGlobal:
      return {{"global", true}};
    case ReceptiveField::Kind::kUnknown:
      return {{"unknown", field.unknown_reason}};
    case ReceptiveField::Kind::kSpatial:
      break;
  }
  nlohmann::json entry = {{"size", {field.rows.size, field.cols.size}},
                          {"stride", {field.rows.stride, field.cols.stride}},
                          {"start", {field.rows.start, field.cols.start}}};
  const FieldAxis& r = field.rows;
  const FieldAxis& c = field.cols;
  entry["reach"] = {{"first", {r.reach_first, c.reach_first}}, {"last", {r.reach_last, c.reach_last}}};
  if (r.padded_before || r.padded_after || c.padded_before || c.padded_after) {
    entry["padding_units"] = {{"before", {r.padded_before, c.padded_before}},
                              {"after", {r.padded_after, c.padded_after}}};
  }
  if (field.global_context) entry["global_context"] = true;
  if (!field.approximate.empty()) entry["approximate"] = field.approximate;
  return entry;
}

// The field column of the text listing: "RF 35x35/8", "RF global", "RF ?".
std::string field_text(const ReceptiveField& field) {
  switch (field.kind) {
    case ReceptiveField::Kind::kGlobal:
      return "RF whole image";
    case ReceptiveField::Kind::kUnknown:
      return "RF ?";
    case ReceptiveField::Kind::kSpatial:
      break;
  }
  std::string text = "RF " + std::to_string(field.rows.size) + "x" + std::to_string(field.cols.size) + " /" +
                     std::to_string(field.rows.stride);
  if (field.cols.stride != field.rows.stride) text += "x" + std::to_string(field.cols.stride);
  if (!field.approximate.empty()) text += " ~";
  return text;
}

void print_layers_json(const std::vector<LayerInfo>& layers, const std::vector<ReceptiveField>& fields) {
  nlohmann::json all = nlohmann::json::array();
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerInfo& layer = layers[i];
    nlohmann::json entry = {{"name", layer.name},     {"kind", layer.kind},
                            {"parent", layer.parent}, {"module", layer.is_module},
                            {"shape", layer.shape},   {"capturable", layer.capturable}};
    if (!layer.capturable) entry["reason"] = layer.not_capturable_reason;
    entry["receptive_field"] = field_json(fields.at(i));
    all.push_back(entry);
  }
  std::cout << json_text(all, 2) << "\n";
}

// One line per layer: name, kind, output shape, receptive field (size and
// stride in input pixels; "~" when approximate).
void print_layers_text(const std::vector<LayerInfo>& layers, const std::vector<ReceptiveField>& fields) {
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerInfo& layer = layers[i];
    std::cout << std::left << std::setw(36) << layer.name << " " << std::setw(20) << layer.kind << " "
              << std::setw(16) << shape_text(layer.shape) << " " << std::setw(18) << field_text(fields.at(i));
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
  const std::vector<ReceptiveField> fields = receptive_fields(*model.value());
  if (options.json) {
    print_layers_json(model.value()->layers(), fields);
  } else {
    print_layers_text(model.value()->layers(), fields);
  }
  return 0;
}

}  // namespace actscope::cli
