// The receptive field walk: follows the rewritten forward graph from the
// input to every capture, applying each op's rule (field_rules.h), and
// takes the union where paths merge. Internal to core.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/script.h>

#include "core/capture/capture_graph.h"
#include "core/capture/receptive_field.h"

namespace actscope {

// The theoretical receptive field of each capture of `graph`, by capture
// index, for an input of `input_shape` ([1, C, H, W]). One run of the graph
// on zeros of that shape measures the sizes the rules need (kernels,
// adaptive pooling, broadcasting). Throws what that run throws.
std::vector<ReceptiveField> capture_receptive_fields(const CaptureGraph& graph, const torch::jit::Module& module,
                                                     const std::vector<int64_t>& input_shape);

}  // namespace actscope
