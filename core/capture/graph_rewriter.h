// The first step of the capture rewrite: a copy of forward's graph is
// inlined top-down, and every capture point is recorded as it appears: each
// call of a module's forward (named as named_modules() names it, "#2" for a
// later call) and each listed functional op in the model's own code. `if`s
// whose condition is known before running are folded. Internal to core.
#pragma once

#include <memory>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <torch/script.h>

#include "core/capture/capture_graph.h"

namespace actscope {

// A capture point and the graph value that holds it.
struct RecordedPoint {
  CapturePoint point;
  torch::jit::Value* value;
  long order;                            // completion order: a module after its children
  torch::jit::Node* call_end = nullptr;  // for module calls: a marker where the call returns
};

struct InlinedForward {
  std::vector<RecordedPoint> recorded;  // in the order the points were met
  bool has_module_calls = false;        // false for frozen or flattened models
};

// Inlines every method and function call in `graph`, a copy of
// `root.forward`'s graph, in place. Throws c10::Error on graphs it cannot handle.
InlinedForward inline_forward(const torch::jit::Module& root,
                              const std::shared_ptr<torch::jit::Graph>& graph);

}  // namespace actscope
