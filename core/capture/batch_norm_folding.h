// Eval-mode BatchNorm after a convolution as the affine map it is, in a
// graph of the gradient path that stops at its captures: batch_norm
// (training a constant false, running statistics present) becomes
// x * s + t with s = g / sqrt(v + eps) and t = beta - m s per channel, the
// values BatchNorm's own kernel computes, at a fraction of the cost of its
// backward (which also works out the statistics' gradients). Folding s into
// the convolution's weights instead was tried: its input gradients were 1 %
// off on models whose running variance is small (mobilenet_v2's fixture),
// against 1e-6 for this map. Internal to core (torch headers).
#pragma once

#include <torch/script.h>

#include "core/capture/jit_ir.h"

namespace actscope {

// Replaces every such batch_norm of `graph` (whose first input is `module`)
// that reads a conv2d's output (the convolution itself is left as it is,
// also when it is captured). The statistics are read from `module` now: the
// graph is for this module's current buffers. Returns the number replaced.
int fold_batch_norms(Graph& graph, const torch::jit::Module& module);

}  // namespace actscope
