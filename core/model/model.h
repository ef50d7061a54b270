// The model room: a TorchScript model loaded for inspection (model.h), its
// card (model_card.h), images made for it (image_input.h) and questions about
// its layers (layer_query.h). It drives the capture room's graph rewrite;
// the features (maps, explain, data, export) build on it.
//
// Model: a TorchScript model loaded for inspection, with its model card, its
// layers (every capture point of forward) and one-pass activation capture.
//
// This header is torch-free so that UI code and most tests compile fast; the
// torch::jit::Module and its rewritten capture graph live behind the pimpl.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/capture/map_summary.h"
#include "core/model/image_input.h"
#include "core/model/model_card.h"

namespace actscope {

// Where a model's card came from.
enum class CardSource { kNone, kEmbedded, kSidecar, kUser };

// One capture point of the model: a module call's output or a functional op.
//
// Names: module outputs use PyTorch's qualified names as named_modules()
// prints them ("layer1.0.conv1"); later calls of a module called more than
// once get "#2", "#3"... ("shared#2"). Functional ops in the model's own code
// are "<enclosing module>:<op>" ("layer1.0:add", ":relu" at the top level),
// numbered the same way when repeated in one module.
struct LayerInfo {
  std::string name;
  std::string kind;    // module class ("Conv2d") or op ("relu")
  std::string parent;  // enclosing module's qualified name; "" for the top level
  bool is_module = false;
  // Output shape for one card-sized image ([1, C, H, W] for conv maps); empty
  // when unknown (no card yet, or the probe run failed).
  std::vector<int64_t> shape;
  bool capturable = false;
  std::string not_capturable_reason;  // set when !capturable
  bool has_weights = false;           // Conv2d modules: see Model::conv_weights
  // For an activation (relu, relu6, hardtanh) applied to another capturable
  // layer's output: that layer's name, the same values before the activation.
  std::string pre_activation;
};

struct CaptureOptions {
  // Layer names from Model::layers(); empty means every capturable layer.
  std::vector<std::string> layers;
  // Also summarize every map of the [N, C, H, W] layers during the run, while
  // it is in cache (LayerActivation::summaries), for the filter atlas.
  bool map_summaries = false;
};

struct LayerActivation {
  std::string name;
  FloatArray values;  // the layer's output for the whole batch, [N, ...]
  float min = 0.0f;   // over the whole batch
  float max = 0.0f;
  // With CaptureOptions::map_summaries, for a [N, C, H, W] layer: image n,
  // channel c at n * C + c, with the layer's bounds (bounded_range of its
  // kind). Empty otherwise, or when the run could not summarize (then
  // summarize the maps in values).
  std::vector<MapSummary> summaries = {};
};

struct CaptureResult {
  FloatArray logits;                         // [N, classes]
  std::vector<LayerActivation> activations;  // in layers() order
};

// One class of a prediction.
struct ClassScore {
  int class_index = 0;
  float probability = 0.0f;  // softmax of the logits
};

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Loads a TorchScript archive saved by torch.jit.save (scripted or traced)
  // and its card: the embedded "actscope.json" extra file, else a sidecar
  // (see sidecar_card_paths). Errors say what is wrong with the file: missing,
  // not a TorchScript archive, truncated, no forward(), a forward() that does
  // not take exactly one tensor, or an invalid card.
  static Result<std::unique_ptr<Model>> load(const std::string& path);

  const std::string& path() const;
  // The SHA-256 (lowercase hex) of the .pt bytes this model was loaded from:
  // manifests and atlases name the model by it. Any thread; the first call
  // may wait for the digest, computed while the model loads.
  const std::string& sha256() const;
  // The card; all-zero sizes when card_source() == kNone.
  const ModelCard& card() const;
  CardSource card_source() const;
  // Supplies the card for a model that has none (the user typed it in).
  void set_card(ModelCard card);

  // Runs the images through the model, `batch_size` at a time, and returns
  // the logits of each image. Requires a card and images made for it. NaN or
  // Inf logits are an error naming the image (non_finite_logits).
  // One call at a time per Model; any thread.
  Result<std::vector<std::vector<float>>> logits(const std::vector<InputImage>& images,
                                                 int batch_size = 64) const;

  // The logits of an input batch already normalized, [N, C, H, W] -> [N, classes].
  Result<FloatArray> logits(const FloatArray& batch) const;

  // Every capture point in forward order (the order PyTorch's forward hooks
  // would fire in), capturable or not.
  const std::vector<LayerInfo>& layers() const;
  // The layer named `name`, or nullptr. Valid while the Model lives.
  const LayerInfo* find_layer(const std::string& name) const;

  // What the user should know about this model's layers, or "": for example
  // that a frozen model has lost its module names.
  const std::string& layers_notice() const;

  // Runs the images through the model once and returns the logits and the
  // activations of the requested layers, with the true values even where
  // in-place ops overwrite them later. Requires a card. Runs in inference
  // mode; one call at a time per Model; any thread.
  Result<CaptureResult> capture(const std::vector<InputImage>& images,
                                const CaptureOptions& options = {}) const;
  // The same for an input batch already normalized, [N, C, H, W].
  Result<CaptureResult> capture(const FloatArray& input, const CaptureOptions& options = {}) const;

  // The weights of a Conv2d layer, [out, in, kh, kw].
  Result<FloatArray> conv_weights(const std::string& layer) const;

  // The input channel count the first conv layer expects, for models without
  // a card (input size cannot be inferred in general and must be asked for).
  std::optional<int> inferred_channels() const;

  // The engine state (model_impl.h), for core's own .cpp files that build on
  // the model (the CAM methods); front ends cannot use it.
  struct Impl;
  const Impl& internals() const { return *impl_; }

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Sets the number of intra-op threads the engine uses (process-wide; 0 means
// all cores, the default once a model is loaded). Call from any thread when no
// model is running.
void set_thread_count(int threads);
int thread_count();

// The `k` most probable classes of `logits`, most probable first.
std::vector<ClassScore> top_classes(const std::vector<float>& logits, int k);

// Whether none of the `count` values is NaN or Inf.
bool all_finite(const float* values, int64_t count);
// The message for logits of `image` that hold NaN or Inf (a diverged model).
std::string non_finite_logits(const std::string& model_path, const std::string& image);

}  // namespace actscope
