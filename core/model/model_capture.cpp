// Model's layer list and one-pass capture, on top of CaptureGraph.
#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include <torch/script.h>

#include "core/capture/capture_graph.h"
#include "core/model/model.h"
#include "core/model/model_impl.h"
#include "core/model/torch_bridge.h"

namespace actscope {
namespace {

LayerInfo to_layer_info(const CapturePoint& point) {
  LayerInfo layer;
  layer.name = point.name;
  layer.kind = point.kind;
  layer.parent = point.parent;
  layer.is_module = point.is_module;
  layer.capturable = point.output_index >= 0;
  layer.not_capturable_reason = point.not_capturable_reason;
  layer.has_weights = point.is_module && point.kind == "Conv2d";
  return layer;
}

}  // namespace

namespace {

// map_summaries' [N, C, 4] doubles as one MapSummary per map.
std::vector<MapSummary> to_summaries(const torch::Tensor& table) {
  const torch::Tensor rows = table.contiguous();
  const double* row = rows.data_ptr<double>();
  std::vector<MapSummary> summaries(static_cast<size_t>(rows.numel() / 4));
  for (MapSummary& summary : summaries) {
    summary.maximum = static_cast<float>(row[0]);
    summary.positive = static_cast<int64_t>(row[1]);
    summary.total = row[2];
    summary.saturated = static_cast<int64_t>(row[3]);
    row += 4;
  }
  return summaries;
}

std::string join_notices(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + "; " + b;
}

}  // namespace

void Model::Impl::analyse() {
  layers.clear();
  analysis_notice.clear();
  probe_notice.clear();
  try {
    capture_graph = std::make_unique<CaptureGraph>(module);
    const auto& points = capture_graph->points();
    for (const auto& point : points) layers.push_back(to_layer_info(point));
    // The first layer that names each capture, for pre_activation.
    std::map<int, std::string> name_of_capture;
    for (const auto& point : points) {
      if (point.output_index >= 0) name_of_capture.emplace(point.output_index, point.name);
    }
    for (size_t i = 0; i < points.size(); ++i) {
      if (points[i].output_index < 0) continue;
      const int from = capture_graph->range_sources()[points[i].output_index].from;
      if (from >= 0) layers[i].pre_activation = name_of_capture.at(from);
    }
    if (!capture_graph->has_module_calls()) {
      analysis_notice =
          "this model has no module calls left (frozen with torch.jit.freeze, or flattened): module names "
          "are gone, only op-level captures are offered";
    }
  } catch (const std::exception& e) {
    capture_graph.reset();
    layers.clear();
    analysis_notice = "the layers of forward() could not be analysed (" + first_line(e.what()) + ")";
  }
  layers_notice = analysis_notice;
}

void probe_layer_shapes(std::vector<LayerInfo>& layers, const CaptureGraph& graph, const torch::jit::Module& module,
                        const torch::Tensor& input) {
  c10::InferenceMode inference;
  const auto output = graph.run(module, input);
  const auto& points = graph.points();
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].output_index < 0) continue;
    const auto sizes = output.captures[points[i].output_index].sizes();
    layers[i].shape.assign(sizes.begin(), sizes.end());
  }
}

void Model::Impl::probe_shapes() {
  for (auto& layer : layers) layer.shape.clear();
  probe_notice.clear();
  layers_notice = analysis_notice;
  if (!capture_graph || card.channels == 0) return;
  try {
    probe_layer_shapes(layers, *capture_graph, module, torch::zeros({1, card.channels, card.height, card.width}));
  } catch (const std::exception& e) {
    for (auto& layer : layers) layer.shape.clear();
    probe_notice = "the model failed on a " + std::to_string(card.height) + "x" + std::to_string(card.width) +
                   " input, check the card's input size (" + first_line(e.what()) + ")";
    layers_notice = join_notices(analysis_notice, probe_notice);
  }
}

const std::vector<LayerInfo>& Model::layers() const { return impl_->layers; }

const LayerInfo* Model::find_layer(const std::string& name) const {
  for (const auto& layer : impl_->layers) {
    if (layer.name == name) return &layer;
  }
  return nullptr;
}
const std::string& Model::layers_notice() const { return impl_->layers_notice; }

Result<CaptureResult> Model::capture(const std::vector<InputImage>& images,
                                     const CaptureOptions& options) const {
  auto batch = impl_->batch_of(images);
  if (!batch) return Error{batch.error()};
  return capture(batch.value(), options);
}

Result<CaptureResult> Model::capture(const FloatArray& input, const CaptureOptions& options) const {
  if (on_gui_thread()) return gui_thread_refusal(impl_->path);
  if (!impl_->capture_graph) return Error{impl_->path + ": " + impl_->analysis_notice};
  if (input.dim() != 4) return Error{"the input batch must be [N, C, H, W]"};
  // Which points to return: the requested names, else every capturable one.
  std::vector<size_t> wanted;
  const auto& points = impl_->capture_graph->points();
  if (options.layers.empty()) {
    for (size_t i = 0; i < points.size(); ++i) {
      if (points[i].output_index >= 0) wanted.push_back(i);
    }
  } else {
    for (const auto& name : options.layers) {
      const LayerInfo* layer = find_layer(name);
      if (!layer) return Error{"unknown layer '" + name + "' in " + impl_->path};
      if (!layer->capturable)
        return Error{"layer '" + name + "' cannot be captured: " + layer->not_capturable_reason};
      wanted.push_back(static_cast<size_t>(layer - impl_->layers.data()));  // layers follow points
    }
  }
  try {
    c10::InferenceMode inference;
    // CaptureGraph copies the input when a capture may view it.
    std::vector<SummaryRequest> requests;
    // One request per capture and bounds: layers that share a capture (a
    // Sequential and its last module) may differ in bounds.
    using RequestKey = std::pair<int, std::optional<std::pair<float, float>>>;
    std::map<RequestKey, size_t> request_of_capture;
    if (options.map_summaries) {
      for (size_t i : wanted) {
        const int index = points[i].output_index;
        const RequestKey key{index, bounded_range(impl_->layers[i].kind)};
        if (request_of_capture.count(key)) continue;
        request_of_capture.emplace(key, requests.size());
        requests.push_back({index, key.second});
      }
    }
    auto output = requests.empty() ? impl_->capture_graph->run(impl_->module, view_as_tensor(input))
                                   : impl_->capture_graph->run_summarized(impl_->module, view_as_tensor(input),
                                                                          requests);
    auto logits = first_tensor(output.model_output);
    if (!logits) return Error{impl_->path + ": forward() returned no tensor"};
    CaptureResult result;
    result.logits = to_float_array(*logits);
    for (size_t i : wanted) {
      const int index = points[i].output_index;
      LayerActivation activation{points[i].name, to_float_array(output.captures[index])};
      std::tie(activation.min, activation.max) = output.ranges[index];
      const auto request = request_of_capture.find(RequestKey{index, bounded_range(impl_->layers[i].kind)});
      if (request != request_of_capture.end() && request->second < output.summaries.size() &&
          activation.values.dim() == 4 &&
          output.summaries[request->second].numel() ==
              4 * activation.values.shape()[0] * activation.values.shape()[1]) {
        activation.summaries = to_summaries(output.summaries[request->second]);
      }
      result.activations.push_back(std::move(activation));
    }
    return result;
  } catch (const std::exception& e) {
    return Error{impl_->path + ": the model failed to run (" + first_line(e.what()) + ")"};
  }
}

Result<FloatArray> Model::conv_weights(const std::string& layer) const {
  if (on_gui_thread()) return gui_thread_refusal(impl_->path);
  const LayerInfo* info = find_layer(layer);
  if (!info) return Error{"unknown layer '" + layer + "' in " + impl_->path};
  if (!info->has_weights)
    return Error{"layer '" + layer + "' is a " + info->kind + ", not a Conv2d with weights"};
  const CapturePoint& point = impl_->capture_graph->points()[info - impl_->layers.data()];
  try {
    torch::Tensor weight = submodule(impl_->module, point.module_path).attr("weight").toTensor();
    return to_float_array(weight);
  } catch (const std::exception& e) {
    return Error{"layer '" + layer + "': cannot read its weights (" + first_line(e.what()) + ")"};
  }
}

std::optional<int> Model::inferred_channels() const {
  for (const auto& layer : impl_->layers) {
    if (!layer.has_weights) continue;
    auto weights = conv_weights(layer.name);
    if (weights && weights.value().dim() == 4) return static_cast<int>(weights.value().shape()[1]);
  }
  return std::nullopt;
}

}  // namespace actscope
