// The state behind Model's pimpl. Internal to core (includes torch headers).
//
// Nothing thrown by LibTorch may leave core: the TorchScript interpreter
// throws c10::Error, std::runtime_error and torch::jit::JITException (for
// `assert`/`raise` in a model), so core's edges catch std::exception.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

#include "core/base/gui_thread.h"
#include "core/capture/capture_graph.h"
#include "core/model/model.h"

namespace actscope {

// The error of a model run asked for on the GUI thread (core/base/gui_thread.h).
inline Error gui_thread_refusal(const std::string& path) {
  return Error{path + ": not run: models run on the engine worker, never on the GUI thread"};
}

struct Model::Impl {
  std::string path;
  std::shared_future<std::string> sha256;  // of the bytes loaded
  mutable torch::jit::Module module;
  ModelCard card;
  CardSource card_source = CardSource::kNone;

  // Null when forward() could not be analysed; layers_notice says why.
  std::unique_ptr<CaptureGraph> capture_graph;
  std::vector<LayerInfo> layers;
  std::string analysis_notice;  // from analyse(): why layers are missing or limited
  std::string probe_notice;     // from the last probe_shapes(): why shapes are unknown
  std::string layers_notice;    // both, for Model::layers_notice()

  // Builds the capture graph and the layer list (without shapes).
  void analyse();
  // Fills in layer shapes with one run on a card-sized zero image.
  void probe_shapes();
  // The images made for the card as one [N, C, H, W] batch; errors without a
  // card, without images, or for an image made for another size.
  Result<FloatArray> batch_of(const std::vector<InputImage>& images) const;
};

// The shapes of `layers` (which follow `graph`'s points) from one run of
// the graph on `input`, [1, C, H, W]. Throws what the run throws.
void probe_layer_shapes(std::vector<LayerInfo>& layers, const CaptureGraph& graph, const torch::jit::Module& module,
                        const torch::Tensor& input);

// Stacks images made for `card` into one [N, C, H, W] tensor.
Result<torch::Tensor> stack_inputs(const std::vector<InputImage>& images, size_t first, size_t count,
                                   const ModelCard& card);

// The first tensor of a model output: a tensor, the first element of a
// tuple or list, or a dict's "logits" entry (else its first tensor value).
std::optional<torch::Tensor> first_tensor(const c10::IValue& output);

}  // namespace actscope
