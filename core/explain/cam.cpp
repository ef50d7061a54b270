// compute_cam: class activation maps on the capture graph's gradient path
// (gradient methods) or its plain run (EigenCAM, Score-CAM, CAM).
#include "core/explain/cam.h"

#include <algorithm>
#include <optional>

#include <torch/csrc/autograd/autograd.h>
#include <torch/script.h>

#include "core/capture/capture_graph.h"
#include "core/explain/cam_methods.h"
#include "core/explain/cam_postprocess.h"
#include "core/explain/gap_linear_head.h"
#include "core/model/layer_query.h"
#include "core/model/model_impl.h"
#include "core/model/torch_bridge.h"

namespace actscope {
namespace {

// The layers with their shapes: the card's probe, or for a model without a
// card, one run of the first image of `input`.
std::vector<LayerInfo> layers_with_shapes(std::vector<LayerInfo> layers, const CaptureGraph& graph,
                                          const torch::jit::Module& module, const torch::Tensor& input) {
  const bool known =
      std::any_of(layers.begin(), layers.end(), [](const auto& l) { return !l.shape.empty(); });
  if (known) return layers;
  probe_layer_shapes(layers, graph, module, input.narrow(0, 0, 1));
  return layers;
}

// The last capturable layer with [N, C, h, w] output and h * w > 1.
Result<std::string> last_layer_with_maps(const std::vector<LayerInfo>& layers, const std::string& path,
                                         const std::string& notice) {
  bool shapes_known = false;
  for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
    shapes_known = shapes_known || !layer->shape.empty();
    if (has_spatial_maps(*layer)) return layer->name;
  }
  if (!shapes_known) {
    return Error{path + ": layer shapes are unknown, name a layer for the CAM" +
                 (notice.empty() ? "" : " (" + notice + ")")};
  }
  return Error{path + ": no layer has [N, C, h, w] output with more than one position for a CAM"};
}

// The last few layers a CAM can use, latest first, for messages.
std::string layers_with_maps(const std::vector<LayerInfo>& layers) {
  std::string names;
  int listed = 0;
  for (auto layer = layers.rbegin(); layer != layers.rend() && listed < 6; ++layer) {
    if (!has_spatial_maps(*layer)) continue;
    names += (listed++ ? ", " : "") + layer->name;
  }
  return names.empty() ? "none has [N, C, h, w] output" : names;
}

// The target class of each image: the one asked for, else the prediction.
Result<torch::Tensor> choose_classes(const torch::Tensor& scores, int64_t images, const CamOptions& options,
                                     const std::string& path) {
  if (scores.dim() != 2 || scores.size(0) != images)
    return Error{path + ": forward() did not return [N, classes] logits for a CAM"};
  if (!torch::isfinite(scores.detach()).all().item<bool>()) {
    return Error{path + ": forward() returned NaN or Inf logits (the model has diverged or overflows): "
                        "there is no class to explain"};
  }
  const int64_t count = scores.size(1);
  if (options.target_class && (*options.target_class < 0 || *options.target_class >= count)) {
    return Error{"class " + std::to_string(*options.target_class) + " is out of range: the model has " +
                 std::to_string(count) + " classes"};
  }
  return options.target_class ? torch::full({images}, *options.target_class, torch::kLong)
                              : scores.detach().argmax(1);
}

Error no_gradient(const std::string& layer) {
  return Error{"no gradient reaches layer '" + layer +
               "': the class scores do not depend on it, or its captured value is a copy taken beside the "
               "model's computation"};
}

// The post-processed maps of each layer and the final map, from the raw
// [N, h, w] maps of the layers (see CamResult).
void finish_maps(CamResult& result, const std::vector<std::string>& names,
                 const std::vector<torch::Tensor>& raws, int64_t images, int out_height, int out_width) {
  const size_t plane = static_cast<size_t>(out_height) * out_width;
  std::vector<float> mean(images * plane, 0.0f);
  for (size_t i = 0; i < names.size(); ++i) {
    const torch::Tensor raw = raws[i].to(torch::kFloat32).contiguous();
    const int height = static_cast<int>(raw.size(1));
    const int width = static_cast<int>(raw.size(2));
    std::vector<float> layer_map(images * plane);
    for (int64_t n = 0; n < images; ++n) {
      const float* raw_n = raw.data_ptr<float>() + n * height * width;
      std::vector<float> scaled = scale_cam(raw_n, height, width, out_height, out_width, false);
      for (size_t p = 0; p < plane; ++p) mean[n * plane + p] += scaled[p] / static_cast<float>(names.size());
      min_max_normalize(scaled);
      std::copy(scaled.begin(), scaled.end(), layer_map.begin() + n * plane);
    }
    result.layers.push_back(CamLayerMap{names[i], to_float_array(raw),
                                        FloatArray({images, out_height, out_width}, std::move(layer_map))});
  }
  if (names.size() == 1) {
    result.map = result.layers.front().map;
    return;
  }
  for (int64_t n = 0; n < images; ++n) {
    std::vector<float> image_map(mean.begin() + n * plane, mean.begin() + (n + 1) * plane);
    min_max_normalize(image_map);
    std::copy(image_map.begin(), image_map.end(), mean.begin() + n * plane);
  }
  result.map = FloatArray({images, out_height, out_width}, std::move(mean));
}

// One CAM request, resolved against the model: the layers, their capture
// indices, and the layer list with shapes for messages.
class CamRun {
 public:
  CamRun(const Model& model, const FloatArray& input, const CamOptions& options)
      : impl_(model.internals()), graph_(*impl_.capture_graph), input_array_(input), options_(options) {}

  Result<CamResult> run();

 private:
  Status resolve_layers();
  Status check_cam_head();
  Error not_maps(const std::string& name, const std::vector<int64_t>& shape);
  const std::vector<LayerInfo>& shaped_layers();
  Status run_gradient_path(const torch::Tensor& input);
  Status run_forward_path(const torch::Tensor& input);
  Result<torch::Tensor> forward_path_map(size_t layer, const torch::Tensor& input,
                                         const torch::Tensor& activation, ScoreCamProgress& progress);
  Status take_classes(const c10::IValue& model_output, int64_t images, torch::Tensor& scores);

  const Model::Impl& impl_;
  const CaptureGraph& graph_;
  const FloatArray& input_array_;
  const CamOptions& options_;
  std::optional<std::vector<LayerInfo>> shaped_;
  std::optional<GapLinearHead> head_;
  std::vector<std::string> names_;
  std::vector<int> captures_;
  std::vector<torch::Tensor> raws_;
  torch::Tensor logits_;
  torch::Tensor classes_;
};

// Layer shapes for choosing the default layer and for messages; a model
// without a card gets them from one extra run, only when they are needed.
const std::vector<LayerInfo>& CamRun::shaped_layers() {
  if (!shaped_) {
    try {
      shaped_ = layers_with_shapes(impl_.layers, graph_, impl_.module, view_as_tensor(input_array_));
    } catch (const std::exception&) {
      shaped_ = impl_.layers;  // the run reports the failure
    }
  }
  return *shaped_;
}

Error CamRun::not_maps(const std::string& name, const std::vector<int64_t>& shape) {
  return Error{"layer '" + name + "' has output " + shape_string(shape) +
               ", not maps [N, C, h, w]; layers with maps: " + layers_with_maps(shaped_layers())};
}

Status CamRun::resolve_layers() {
  names_ = options_.layers;
  if (names_.empty()) {
    auto layer = last_layer_with_maps(shaped_layers(), impl_.path, impl_.layers_notice);
    if (!layer) return Error{layer.error()};
    names_.push_back(layer.value());
  }
  for (const auto& name : names_) {
    auto found = std::find_if(impl_.layers.begin(), impl_.layers.end(),
                              [&](const LayerInfo& layer) { return layer.name == name; });
    if (found == impl_.layers.end()) return Error{"unknown layer '" + name + "' in " + impl_.path};
    if (!found->capturable)
      return Error{"layer '" + name + "' cannot be captured: " + found->not_capturable_reason};
    // Known from the card's probe; else checked after the run.
    if (!found->shape.empty() && found->shape.size() != 4) return not_maps(name, found->shape);
    captures_.push_back(graph_.points()[found - impl_.layers.begin()].output_index);  // layers follow points
  }
  return Done{};
}

// CAM (Zhou et al.) needs the global-average-pool + linear head and the
// layer the pool reads.
Status CamRun::check_cam_head() {
  std::string notice;
  head_ = find_gap_linear_head(graph_, impl_.module, notice);
  if (!head_) {
    return Error{impl_.path +
                 ": CAM (Zhou et al.) needs a model whose forward ends in global average "
                 "pooling followed by one linear layer: " +
                 notice};
  }
  for (size_t i = 0; i < captures_.size(); ++i) {
    if (captures_[i] == head_->feature_capture) continue;
    std::string pooled;
    for (const auto& point : graph_.points()) {
      if (point.output_index == head_->feature_capture) pooled = point.name;
    }
    return Error{"CAM (Zhou et al.) weighs the maps the global average pool reads: layer '" + names_[i] +
                 "' is not that tensor; use '" + pooled + "'"};
  }
  return Done{};
}

// The logits of the model output and the target class of each image.
Status CamRun::take_classes(const c10::IValue& model_output, int64_t images, torch::Tensor& scores) {
  auto logits = first_tensor(model_output);
  if (!logits) return Error{impl_.path + ": forward() returned no tensor"};
  scores = *logits;
  auto chosen = choose_classes(scores, images, options_, impl_.path);
  if (!chosen) return Error{chosen.error()};
  classes_ = chosen.value().clone();
  return Done{};
}

// One forward with autograd recording from the layers on, one backward.
Status CamRun::run_gradient_path(const torch::Tensor& input) {
  c10::InferenceMode not_inference(false);
  auto output = graph_.run_with_leaves(impl_.module, input, captures_);
  torch::Tensor scores;
  if (auto taken = take_classes(output.model_output, input.size(0), scores); !taken) return taken;
  for (size_t i = 0; i < names_.size(); ++i) {
    if (output.leaves[i].dim() != 4) return not_maps(names_[i], output.leaves[i].sizes().vec());
  }
  if (!scores.requires_grad()) return no_gradient(names_.front());
  const torch::Tensor score = scores.gather(1, classes_.unsqueeze(1)).sum();
  const auto gradients = torch::autograd::grad({score}, output.leaves, {}, /*retain_graph=*/false,
                                               /*create_graph=*/false, /*allow_unused=*/true);
  torch::NoGradGuard no_grad;
  logits_ = scores.detach();
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!gradients[i].defined()) return no_gradient(names_[i]);
    raws_.push_back(gradient_map(options_.method, output.leaves[i].detach(), gradients[i]));
  }
  return Done{};
}

// One layer's raw map for EigenCAM, CAM or Score-CAM.
Result<torch::Tensor> CamRun::forward_path_map(size_t layer, const torch::Tensor& input,
                                               const torch::Tensor& activation, ScoreCamProgress& progress) {
  if (activation.dim() != 4) return not_maps(names_[layer], activation.sizes().vec());
  const torch::Tensor a = activation.to(torch::kFloat32);
  if (options_.method == CamMethod::kEigenCam) return eigen_map(a);
  if (options_.method == CamMethod::kCam) {
    const torch::Tensor& weight = head_->weight;
    if (weight.size(1) != a.size(1)) {
      return Error{"CAM (Zhou et al.): the linear layer takes " + std::to_string(weight.size(1)) +
                   " inputs but layer '" + names_[layer] + "' has " + std::to_string(a.size(1)) +
                   " channels"};
    }
    return weighted_sum(weight.detach().to(torch::kFloat32).index_select(0, classes_), a);
  }
  return score_cam_map(impl_.module, input, a, classes_, options_, progress, impl_.path);
}

// One forward in inference mode; no gradients.
Status CamRun::run_forward_path(const torch::Tensor& input) {
  c10::InferenceMode inference;
  auto output = graph_.run(impl_.module, input);
  torch::Tensor scores;
  if (auto taken = take_classes(output.model_output, input.size(0), scores); !taken) return taken;
  logits_ = scores.clone();
  ScoreCamProgress progress;  // Score-CAM's masked inputs, over all layers
  for (int capture : captures_) {
    const auto& capture_shape = output.captures[capture].sizes();
    if (capture_shape.size() == 4) progress.total += static_cast<size_t>(input.size(0) * capture_shape[1]);
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    auto raw = forward_path_map(i, input, output.captures[captures_[i]], progress);
    if (!raw) return Error{raw.error()};
    raws_.push_back(raw.value());
  }
  return Done{};
}

Result<CamResult> CamRun::run() {
  if (auto resolved = resolve_layers(); !resolved) return Error{resolved.error()};
  if (options_.method == CamMethod::kCam) {
    if (auto head = check_cam_head(); !head) return Error{head.error()};
  }
  try {
    const torch::Tensor input = view_as_tensor(input_array_).clone();  // captures may view it (see capture)
    const Status ran = uses_gradients(options_.method) ? run_gradient_path(input) : run_forward_path(input);
    if (!ran) return Error{ran.error()};
    CamResult result;
    result.method = options_.method;
    result.logits = to_float_array(logits_.to(torch::kFloat32).contiguous());
    for (int64_t n = 0; n < input.size(0); ++n)
      result.classes.push_back(static_cast<int>(classes_[n].item<int64_t>()));
    finish_maps(result, names_, raws_, input.size(0), static_cast<int>(input.size(2)),
                static_cast<int>(input.size(3)));
    return result;
  } catch (const std::exception& e) {
    return Error{impl_.path + ": the CAM could not be computed (" + first_line(e.what()) + ")"};
  }
}

}  // namespace

Result<std::string> default_cam_layer(const Model& model) {
  const Model::Impl& impl = model.internals();
  return last_layer_with_maps(impl.layers, impl.path, impl.layers_notice);
}

Result<CamResult> compute_cam(const Model& model, const std::vector<InputImage>& images,
                              const CamOptions& options) {
  auto batch = model.internals().batch_of(images);
  if (!batch) return Error{batch.error()};
  return compute_cam(model, batch.value(), options);
}

Result<CamResult> compute_cam(const Model& model, const FloatArray& input, const CamOptions& options) {
  if (on_gui_thread()) return gui_thread_refusal(model.path());
  if (!model.internals().capture_graph) return Error{model.path() + ": " + model.internals().analysis_notice};
  if (input.dim() != 4) return Error{"the input batch must be [N, C, H, W]"};
  return CamRun(model, input, options).run();
}

}  // namespace actscope
