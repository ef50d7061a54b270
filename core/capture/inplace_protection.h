// Keeping captured values true when the model mutates in place: in-place ops
// downstream of a capture (ReLU(inplace=True) after a BatchNorm, `out +=
// identity`) become their functional twins where nothing can tell the
// difference, or work on a clone, so a BatchNorm capture keeps its negative
// values. Also decides which recorded values can be graph outputs at all.
// Internal to core.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>

#include "core/capture/graph_rewriter.h"

namespace actscope {

// Why a recorded value cannot be a graph output (inside an if/loop body, not
// a tensor, dropped by tracing), or "" when it can.
std::string not_capturable_reason(const torch::jit::Value* value, const torch::jit::Graph& graph);

// A module output is what the module returned, as a forward hook sees it:
// where the module mutates the value before returning, the capture becomes a
// copy taken where the call returns. Removes the call-end markers.
void capture_at_call_end(const std::shared_ptr<torch::jit::Graph>& graph,
                         std::vector<RecordedPoint>& recorded);

// Protects every value of `captured` from later in-place writes (see the
// top of this file); `captured` follows the values it replaces.
void protect_from_inplace_writes(const std::shared_ptr<torch::jit::Graph>& graph,
                                 std::vector<torch::jit::Value*>& captured);

}  // namespace actscope
