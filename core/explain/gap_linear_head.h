// The head CAM (Zhou et al.) needs: a forward that ends in
// `linear(flatten(global_average_pool(A)))`, whose linear weights weigh A's
// channels. Internal to core (includes torch headers).
#pragma once

#include <optional>
#include <string>

#include <torch/script.h>

#include "core/capture/capture_graph.h"

namespace actscope {

struct GapLinearHead {
  int feature_capture = -1;  // the capture index of A (the pool's input)
  torch::Tensor weight;      // the linear layer's [classes, channels] weight
};

// The head of `graph`'s rewritten forward (dropout, flatten, view, reshape
// and squeeze may sit between pool and linear), or nullopt with `notice`
// saying what forward ends in instead. `module` is the graph's module.
std::optional<GapLinearHead> find_gap_linear_head(const CaptureGraph& graph, const torch::jit::Module& module,
                                                  std::string& notice);

}  // namespace actscope
