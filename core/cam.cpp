// Model::cam: class activation maps on the capture graph's gradient path.
#include <algorithm>
#include <stdexcept>

#include <torch/csrc/autograd/autograd.h>
#include <torch/script.h>

#include "core/cam.h"
#include "core/capture_graph.h"
#include "core/model.h"
#include "core/model_impl.h"
#include "core/torch_bridge.h"

namespace actscope {
namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// The layers with their shapes: the card's probe, or for a model without a
// card, one run of the first image of `input`.
std::vector<LayerInfo> layers_with_shapes(std::vector<LayerInfo> layers, const CaptureGraph& graph,
                                          const torch::jit::Module& module, const torch::Tensor& input) {
  const bool known =
      std::any_of(layers.begin(), layers.end(), [](const auto& l) { return !l.shape.empty(); });
  if (known) return layers;
  c10::InferenceMode inference;
  const auto output = graph.run(module, input.narrow(0, 0, 1));
  const auto& points = graph.points();
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].output_index < 0) continue;
    const auto sizes = output.captures[points[i].output_index].sizes();
    layers[i].shape.assign(sizes.begin(), sizes.end());
  }
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

// sum_k weights[n, k] * A[n, k]: [N, h, w].
torch::Tensor weighted_sum(const torch::Tensor& weights, const torch::Tensor& activations) {
  return (weights.unsqueeze(-1).unsqueeze(-1) * activations).sum(1);
}

torch::Tensor gradient_map(CamMethod method, const torch::Tensor& a, const torch::Tensor& g) {
  switch (method) {
    case CamMethod::kGradCam:
      return weighted_sum(g.mean({2, 3}), a);
    case CamMethod::kHiResCam:
      return (g * a).sum(1);
    case CamMethod::kGradCamPlusPlus: {
      const torch::Tensor g2 = g.pow(2);
      const torch::Tensor g3 = g.pow(3);
      const torch::Tensor sums = a.sum({2, 3}).unsqueeze(-1).unsqueeze(-1);
      torch::Tensor alpha = g2 / (2 * g2 + sums * g3 + 1e-6);
      alpha = torch::where(g != 0, alpha, torch::zeros_like(alpha));
      return weighted_sum((torch::relu(g) * alpha).sum({2, 3}), a);
    }
    case CamMethod::kXGradCam: {
      const torch::Tensor sums = a.sum({2, 3}).unsqueeze(-1).unsqueeze(-1);
      return weighted_sum((g * a / (sums + 1e-7)).sum({2, 3}), a);
    }
    case CamMethod::kLayerCam:
      return (torch::relu(g) * a).sum(1);
    default:
      break;
  }
  throw std::logic_error("not a gradient method: " + to_string(method));
}

// EigenCAM: the projection of the centred [hw, C] maps on their first right
// singular vector. The sign of a singular vector is arbitrary; the one whose
// projection correlates positively with the channel mean of A is kept, so
// that the map highlights where the layer is active.
torch::Tensor eigen_map(torch::Tensor a) {
  a = torch::where(a.isnan(), torch::zeros_like(a), a);
  const int64_t n = a.size(0), c = a.size(1), h = a.size(2), w = a.size(3);
  torch::Tensor out = torch::empty({n, h, w});
  for (int64_t i = 0; i < n; ++i) {
    torch::Tensor m = a[i].reshape({c, h * w}).t();
    m = m - m.mean(0, /*keepdim=*/true);
    const auto svd = at::linalg_svd(m, /*full_matrices=*/false);
    torch::Tensor projection = m.matmul(std::get<2>(svd)[0]);
    const torch::Tensor channel_mean = a[i].mean(0).flatten();
    if (projection.dot(channel_mean - channel_mean.mean()).item<float>() < 0) projection = -projection;
    out[i] = projection.reshape({h, w});
  }
  return out;
}

}  // namespace

bool has_spatial_maps(const LayerInfo& layer) {
  return layer.capturable && layer.shape.size() == 4 && layer.shape[2] * layer.shape[3] > 1;
}

Result<std::string> Model::default_cam_layer() const {
  return last_layer_with_maps(impl_->layers, impl_->path, impl_->layers_notice);
}

Result<CamResult> Model::cam(const std::vector<InputImage>& images, const CamOptions& options) const {
  auto batch = impl_->batch_of(images);
  if (!batch) return Error{batch.error()};
  return cam(batch.value(), options);
}

namespace {

// The target class of each image: the one asked for, else the prediction.
Result<torch::Tensor> choose_classes(const torch::Tensor& scores, int64_t images, const CamOptions& options,
                                     const std::string& path) {
  if (scores.dim() != 2 || scores.size(0) != images)
    return Error{path + ": forward() did not return [N, classes] logits for a CAM"};
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

// Score-CAM of one layer's maps `a` [N, C, h, w]: each channel, upsampled and
// min-max scaled, masks the input; the softmax over channels of the masked
// inputs' target logits weighs it. `done`/`total` count masked inputs over
// all layers, for progress. Returns [N, h, w], or "cancelled".
Result<torch::Tensor> score_cam_map(torch::jit::Module& module, const torch::Tensor& input,
                                    const torch::Tensor& a, const torch::Tensor& classes,
                                    const CamOptions& options, size_t& done, size_t total,
                                    const std::string& path) {
  const int64_t images = a.size(0);
  const int64_t channels = a.size(1);
  const int64_t step = std::max(1, options.score_batch_size);
  torch::Tensor raw = torch::empty({images, a.size(2), a.size(3)});
  for (int64_t n = 0; n < images; ++n) {
    torch::Tensor scores = torch::empty({channels});
    const int64_t target = classes[n].item<int64_t>();
    for (int64_t first = 0; first < channels; first += step) {
      const int64_t count = std::min(step, channels - first);
      torch::Tensor masks = at::upsample_bilinear2d(a.narrow(0, n, 1).narrow(1, first, count),
                                                    {input.size(2), input.size(3)}, /*align_corners=*/true)
                                .squeeze(0);
      const torch::Tensor flat = masks.flatten(1);
      const torch::Tensor low = std::get<0>(flat.min(1)).view({count, 1, 1});
      const torch::Tensor high = std::get<0>(flat.max(1)).view({count, 1, 1});
      masks = (masks - low) / (high - low + 1e-8);
      const torch::Tensor masked = input[n].unsqueeze(0) * masks.unsqueeze(1);
      auto logits = first_tensor(module.forward({masked}));
      if (!logits) return Error{path + ": forward() returned no tensor"};
      scores.narrow(0, first, count).copy_(logits->select(1, target));
      done += static_cast<size_t>(count);
      if (options.progress && !options.progress(done, total)) return Error{"cancelled"};
    }
    raw[n] = (torch::softmax(scores, 0).view({channels, 1, 1}) * a[n]).sum(0);
  }
  return raw;
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

}  // namespace

Result<CamResult> Model::cam(const FloatArray& input_array, const CamOptions& options) const {
  const CaptureGraph* graph = impl_->capture_graph.get();
  if (!graph) return Error{impl_->path + ": " + impl_->analysis_notice};
  if (input_array.dim() != 4) return Error{"the input batch must be [N, C, H, W]"};
  const CamMethod method = options.method;
  // Layer shapes for choosing the default layer and for messages; a model
  // without a card gets them from one extra run, only when they are needed.
  std::optional<std::vector<LayerInfo>> shaped;
  auto layers = [&]() -> const std::vector<LayerInfo>& {
    if (!shaped) {
      try {
        shaped = layers_with_shapes(impl_->layers, *graph, impl_->module, view_as_tensor(input_array));
      } catch (const std::exception&) {
        shaped = impl_->layers;  // the run below reports the failure
      }
    }
    return *shaped;
  };
  auto not_maps = [&](const std::string& name, const std::vector<int64_t>& shape) {
    return Error{"layer '" + name + "' has output " + shape_text(shape) +
                 ", not maps [N, C, h, w]; layers with maps: " + layers_with_maps(layers())};
  };

  std::vector<std::string> names = options.layers;
  if (names.empty()) {
    auto layer = last_layer_with_maps(layers(), impl_->path, impl_->layers_notice);
    if (!layer) return Error{layer.error()};
    names.push_back(layer.value());
  }
  std::vector<int> captures;
  for (const auto& name : names) {
    const LayerInfo* layer = find_layer(name);
    if (!layer) return Error{"unknown layer '" + name + "' in " + impl_->path};
    if (!layer->capturable)
      return Error{"layer '" + name + "' cannot be captured: " + layer->not_capturable_reason};
    // Known from the card's probe; else checked after the run.
    if (!layer->shape.empty() && layer->shape.size() != 4) return not_maps(name, layer->shape);
    captures.push_back(graph->points()[layer - impl_->layers.data()].output_index);
  }
  const auto& head = graph->gap_linear_head();
  if (method == CamMethod::kCam) {
    if (!head) {
      return Error{impl_->path +
                   ": CAM (Zhou et al.) needs a model whose forward ends in global average "
                   "pooling followed by one linear layer: " +
                   graph->head_notice()};
    }
    for (size_t i = 0; i < captures.size(); ++i) {
      if (captures[i] == head->feature_capture) continue;
      std::string pooled;
      for (const auto& point : graph->points()) {
        if (point.output_index == head->feature_capture) pooled = point.name;
      }
      return Error{"CAM (Zhou et al.) weighs the maps the global average pool reads: layer '" + names[i] +
                   "' is not that tensor; use '" + pooled + "'"};
    }
  }

  try {
    const torch::Tensor input = view_as_tensor(input_array).clone();  // captures may view it (see capture)
    const int64_t images = input.size(0);
    std::vector<torch::Tensor> raws;
    torch::Tensor logits;
    torch::Tensor classes;
    if (uses_gradients(method)) {
      // One forward with autograd recording from the layers on, one backward.
      c10::InferenceMode not_inference(false);
      auto output = graph->run_with_leaves(impl_->module, input, captures);
      auto scores = first_tensor(output.model_output);
      if (!scores) return Error{impl_->path + ": forward() returned no tensor"};
      auto chosen = choose_classes(*scores, images, options, impl_->path);
      if (!chosen) return Error{chosen.error()};
      classes = chosen.value();
      for (size_t i = 0; i < names.size(); ++i) {
        if (output.leaves[i].dim() != 4) return not_maps(names[i], output.leaves[i].sizes().vec());
      }
      if (!scores->requires_grad()) return no_gradient(names.front());
      const torch::Tensor score = scores->gather(1, classes.unsqueeze(1)).sum();
      const auto gradients = torch::autograd::grad({score}, output.leaves, {}, /*retain_graph=*/false,
                                                   /*create_graph=*/false, /*allow_unused=*/true);
      torch::NoGradGuard no_grad;
      logits = scores->detach();
      for (size_t i = 0; i < names.size(); ++i) {
        if (!gradients[i].defined()) return no_gradient(names[i]);
        raws.push_back(gradient_map(method, output.leaves[i].detach(), gradients[i]));
      }
    } else {
      c10::InferenceMode inference;
      auto output = graph->run(impl_->module, input);
      auto scores = first_tensor(output.model_output);
      if (!scores) return Error{impl_->path + ": forward() returned no tensor"};
      auto chosen = choose_classes(*scores, images, options, impl_->path);
      if (!chosen) return Error{chosen.error()};
      classes = chosen.value().clone();
      logits = scores->clone();
      size_t done = 0;
      size_t total = 0;  // Score-CAM's masked inputs, over all layers
      for (int capture : captures) {
        const auto& capture_shape = output.captures[capture].sizes();
        if (capture_shape.size() == 4) total += static_cast<size_t>(images * capture_shape[1]);
      }
      for (size_t i = 0; i < names.size(); ++i) {
        const torch::Tensor& activation = output.captures[captures[i]];
        if (activation.dim() != 4) return not_maps(names[i], activation.sizes().vec());
        const torch::Tensor a = activation.to(torch::kFloat32);
        if (method == CamMethod::kEigenCam) {
          raws.push_back(eigen_map(a));
        } else if (method == CamMethod::kCam) {
          const torch::Tensor& weight = head->weight;
          if (weight.size(1) != a.size(1)) {
            return Error{"CAM (Zhou et al.): the linear layer takes " + std::to_string(weight.size(1)) +
                         " inputs but layer '" + names[i] + "' has " + std::to_string(a.size(1)) +
                         " channels"};
          }
          raws.push_back(weighted_sum(weight.detach().to(torch::kFloat32).index_select(0, classes), a));
        } else {
          auto raw = score_cam_map(impl_->module, input, a, classes, options, done, total, impl_->path);
          if (!raw) return Error{raw.error()};
          raws.push_back(raw.value());
        }
      }
    }

    CamResult result;
    result.method = method;
    result.logits = to_float_array(logits.to(torch::kFloat32).contiguous());
    for (int64_t n = 0; n < images; ++n)
      result.classes.push_back(static_cast<int>(classes[n].item<int64_t>()));
    finish_maps(result, names, raws, images, static_cast<int>(input.size(2)),
                static_cast<int>(input.size(3)));
    return result;
  } catch (const std::exception& e) {
    return Error{impl_->path + ": the CAM could not be computed (" + first_line(e.what()) + ")"};
  }
}

}  // namespace actscope
