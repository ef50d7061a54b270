#include "core/model/receptive_fields.h"

#include <torch/script.h>

#include "core/capture/field_walk.h"
#include "core/model/model_impl.h"
#include "core/model/torch_bridge.h"

namespace actscope {
namespace {

ReceptiveField unknown(std::string why) {
  ReceptiveField field;
  field.unknown_reason = std::move(why);
  return field;
}

}  // namespace

std::vector<ReceptiveField> receptive_fields(const Model& model) {
  const Model::Impl& impl = model.internals();
  const std::vector<LayerInfo>& layers = model.layers();
  if (!impl.capture_graph) return std::vector<ReceptiveField>(layers.size(), unknown(impl.analysis_notice));
  const ModelCard& card = impl.card;
  if (card.channels == 0) {
    return std::vector<ReceptiveField>(layers.size(),
                                       unknown("the input size is not known: the model has no card"));
  }
  std::vector<ReceptiveField> by_capture;
  try {
    by_capture = capture_receptive_fields(*impl.capture_graph, impl.module,
                                          {1, card.channels, card.height, card.width});
  } catch (const std::exception& e) {
    return std::vector<ReceptiveField>(
        layers.size(), unknown("the model failed on a " + std::to_string(card.height) + "x" +
                               std::to_string(card.width) + " input (" + first_line(e.what()) + ")"));
  }
  std::vector<ReceptiveField> fields;
  fields.reserve(layers.size());
  const auto& points = impl.capture_graph->points();
  for (const CapturePoint& point : points) {
    fields.push_back(point.output_index >= 0 ? by_capture.at(point.output_index)
                                             : unknown("not capturable: " + point.not_capturable_reason));
  }
  return fields;
}

}  // namespace actscope

namespace actscope {

std::string describe_field(const ReceptiveField& field) {
  switch (field.kind) {
    case ReceptiveField::Kind::kGlobal:
      return "whole image";
    case ReceptiveField::Kind::kUnknown:
      return "unknown: " + field.unknown_reason;
    case ReceptiveField::Kind::kSpatial:
      break;
  }
  auto pair = [](int64_t rows, int64_t cols) {
    return rows == cols ? std::to_string(rows) : std::to_string(rows) + "x" + std::to_string(cols);
  };
  std::string text = std::to_string(field.rows.size) + "x" + std::to_string(field.cols.size) + " px, stride " +
         pair(field.rows.stride, field.cols.stride);
  if (field.global_context) text += ", plus global context";
  if (!field.approximate.empty()) text += " (approximate)";
  return text;
}

}  // namespace actscope
