// The [min, max] of every capture, computed in the pass that produces it:
// ranges that follow from another capture's (a ReLU of it) are derived, and
// captured batch norms, max pools and residual sums run as the fused ops of
// fused_ranges.h, which give their ranges (and the ReLU after them) in the
// same pass. Internal to core.
#pragma once

#include <memory>
#include <vector>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include "core/capture/capture_graph.h"

namespace actscope {

// Per capture, whether its range follows from another capture's: a capture
// that is a clamp (relu, relu6, hardtanh) of another has the clamped bounds,
// because a clamp is monotone.
std::vector<RangeSource> derive_ranges(const std::vector<torch::jit::Value*>& captured);

// Turns `graph`, whose outputs are (model output, captures...), into the
// function that also computes the ranges and returns one tuple (model
// output, captures..., ranges...). `fast` fuses and uses aminmax (which
// throws for empty, complex or half captures); otherwise a helper that
// handles every case. `widths` receives, per capture, how many outputs hold
// its range (0: derived from another's). With `summaries`, the tuple ends
// with one map_summaries tensor per request, each computed right after the
// op that produces its capture.
std::unique_ptr<torch::jit::GraphFunction> finish_capture_function(
    const std::shared_ptr<torch::jit::Graph>& graph, const std::vector<RangeSource>& sources, bool fast,
    const CaptureGraphOptions& options, std::vector<int>& widths,
    const std::vector<SummaryRequest>& summaries = {});

}  // namespace actscope
