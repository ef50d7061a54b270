// The capture room: the rewrite of a TorchScript forward graph that makes
// every capture point an output (graph_rewriter.h inlines and names,
// inplace_protection.h keeps captures true, range_fusion.h and
// fused_ranges.h compute each capture's range in the pass that produces it,
// gradient_path.cpp turns captures into autograd leaves). Torch only; the
// model room drives it.
//
// CaptureGraph: a rewritten copy of a TorchScript module's forward graph that
// returns, besides the model's own output, the value of every capture point:
// each module call's output and each functional op (relu, add, cat, ...)
// written in the model's own code.
//
// Why a rewrite and not hooks: a loaded torch::jit::Module cannot call back
// into C++, and hooks cannot see functional ops or in-place mutation. The
// copy is inlined top-down, capture values become graph outputs, and values
// that later in-place ops would overwrite are protected by a clone that takes
// the in-place op's place. The user's module is never modified.
//
// Internal to core (includes torch headers).
#pragma once

#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <torch/script.h>

namespace torch::jit {
struct Graph;
struct GraphFunction;
}  // namespace torch::jit

namespace actscope {

struct CapturePoint {
  std::string name;         // "layer1.0.conv1", "shared#2", "layer1.0:add", ":relu"
  std::string kind;         // module class ("Conv2d") or op ("add")
  std::string parent;       // enclosing module's qualified name; "" for the top level
  std::string module_path;  // for module outputs, the qualified name without "#k"
  bool is_module = false;
  int output_index = -1;  // index into CaptureGraph::run's captures; -1 when not capturable
  std::string not_capturable_reason;
};

// The submodule of `root` at a qualified path ("layer1.0.conv1"; "" is
// `root`). Throws c10::Error when it does not exist.
torch::jit::Module submodule(const torch::jit::Module& root, const std::string& path);

// A capture whose [min, max] follows from another capture's: it is that
// capture clamped to [low, high] (relu, relu6, hardtanh).
struct RangeSource {
  int from = -1;  // capture index; -1: computed from the capture itself
  float low = -std::numeric_limits<float>::infinity();
  float high = std::numeric_limits<float>::infinity();
};

// How the rewrite computes what it captures.
struct CaptureGraphOptions {
  // Max pools run the engine's own kernel (fused_ranges.h), which also gives
  // their range and is faster than ATen's; off only to measure what that
  // saves (tests/bench/capture_bench.cpp).
  bool own_max_pool = true;
};

// A capture whose maps are to be summarized during the run (map_summary.h):
// its index and, for a bounded layer, its bounds.
struct SummaryRequest {
  int capture = 0;
  std::optional<std::pair<float, float>> bounds;
};

class CaptureGraph {
 public:
  // Builds the rewrite of `module.forward`. Throws c10::Error on graphs it
  // cannot handle (callers translate it). `module` must outlive the result.
  explicit CaptureGraph(const torch::jit::Module& module, const CaptureGraphOptions& options = {});
  ~CaptureGraph();

  // Capture points in forward (completion) order.
  const std::vector<CapturePoint>& points() const { return points_; }
  // False for frozen or otherwise flattened models: no module call was found.
  bool has_module_calls() const { return has_module_calls_; }

  struct Output {
    c10::IValue model_output;
    std::vector<torch::Tensor> captures;          // by CapturePoint::output_index
    std::vector<std::pair<float, float>> ranges;  // [min, max] of each capture; (0, 0) if empty
    // With run_summarized: per request, [N, C, 4] doubles (map_summaries in
    // fused_ranges.h); empty when the run fell back to the general function.
    std::vector<torch::Tensor> summaries;
  };
  // Runs the rewritten graph once. The caller chooses the autograd mode
  // (inference mode for activations, grad mode for CAMs). Throws c10::Error.
  Output run(const torch::jit::Module& module, const torch::Tensor& input) const;
  // The same run that also summarizes each requested capture's maps right
  // after the op that produces them, while they are in cache (captures that
  // are not [N, C, H, W] get an empty tensor). The function per request list is built once and
  // reused. Captures that the fast function cannot handle fall back to run()
  // with no summaries.
  Output run_summarized(const torch::jit::Module& module, const torch::Tensor& input,
                        const std::vector<SummaryRequest>& requests) const;

  // The gradient path: runs the rewrite with the earliest of `captures`
  // (capture indices) turned into a leaf that requires grad where it is
  // produced, so that autograd records only what follows it; captures that
  // such a leaf feeds stay as they are (a leaf there would cut the path to
  // the earlier one). d(score)/d(returned tensor) is then the true gradient
  // at each capture. Returns the model output and those tensors, in the
  // order of `captures`. Runs in grad mode. The function per set of
  // captures is built once and reused. With `model_output` false the
  // function stops where the captures are made (the rest of forward is never
  // run), GradientOutput::model_output is None, and eval BatchNorms after
  // convolutions run as their affine maps (batch_norm_folding.h, with
  // `module`'s statistics when the function is built).
  struct GradientOutput {
    c10::IValue model_output;
    std::vector<torch::Tensor> leaves;
  };
  GradientOutput run_with_leaves(const torch::jit::Module& module, const torch::Tensor& input,
                                 const std::vector<int>& captures, bool model_output = true) const;

  // Per capture index: whether its range follows from another capture's
  // (a relu, relu6 or hardtanh of it).
  const std::vector<RangeSource>& range_sources() const { return range_sources_; }

  // The rewrite before ranges: its outputs are (model output, captures...),
  // by capture index. For analyses of the graph (explain/gap_linear_head.h).
  const torch::jit::Graph& base_graph() const { return *base_graph_; }

 private:
  Output run_function(torch::jit::GraphFunction& function, bool fast, const torch::jit::Module& module,
                      const torch::Tensor& input, size_t summaries = 0) const;

  // The same rewrite twice: with plain aminmax ranges (float captures), and
  // with a helper that handles empty, complex and half captures.
  std::unique_ptr<torch::jit::GraphFunction> fast_function_;
  std::unique_ptr<torch::jit::GraphFunction> general_function_;
  std::vector<CapturePoint> points_;
  bool has_module_calls_ = false;
  bool input_written_ = false;  // forward modifies its input in place: run on a copy
  bool input_viewed_ = false;   // a capture may be a view of the input: run on a copy
  int capture_count_ = 0;
  std::vector<RangeSource> range_sources_;  // by capture index
  // Per capture index, how many outputs of each function hold its range
  // (0: derived from another capture's).
  std::vector<int> fast_range_widths_;
  std::vector<int> general_range_widths_;

  // The rewrite before ranges: outputs (model output, captures...).
  std::shared_ptr<torch::jit::Graph> base_graph_;
  CaptureGraphOptions options_;
  mutable std::mutex summary_functions_mutex_;
  mutable std::map<std::string, std::unique_ptr<torch::jit::GraphFunction>> summary_functions_;
  mutable std::mutex leaf_functions_mutex_;
  mutable std::map<std::vector<int>, std::unique_ptr<torch::jit::GraphFunction>> leaf_functions_;
};

}  // namespace actscope
