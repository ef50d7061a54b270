// The CAM methods' arithmetic on torch tensors: the Grad-CAM family's
// weighting of gradients, EigenCAM's projection, Score-CAM's masked forwards
// and the channel-weighted sum they share. Internal to core (explain/cam.cpp).
#pragma once

#include <torch/script.h>

#include "core/base/result.h"
#include "core/explain/cam.h"

namespace actscope {

// sum_k weights[n, k] * A[n, k]: [N, h, w].
torch::Tensor weighted_sum(const torch::Tensor& weights, const torch::Tensor& activations);

// A gradient method's raw map [N, h, w] from the layer's maps `a` and the
// gradient `g` of the class score at them, both [N, C, h, w].
torch::Tensor gradient_map(CamMethod method, const torch::Tensor& a, const torch::Tensor& g);

// EigenCAM's raw map of `a` [N, C, h, w]: the projection of the centred
// [hw, C] maps on their first right singular vector, signed so that it
// correlates positively with the channel mean of `a`.
torch::Tensor eigen_map(torch::Tensor a);

// Score-CAM's masked inputs, counted over all layers for progress.
struct ScoreCamProgress {
  size_t done = 0;
  size_t total = 0;
};

// Score-CAM of one layer's maps `a` [N, C, h, w]: each channel, upsampled and
// min-max scaled, masks the input; the softmax over channels of the masked
// inputs' target logits weighs it. Returns [N, h, w], or "cancelled" when
// options.progress asks to stop.
Result<torch::Tensor> score_cam_map(torch::jit::Module& module, const torch::Tensor& input,
                                    const torch::Tensor& a, const torch::Tensor& classes,
                                    const CamOptions& options, ScoreCamProgress& progress,
                                    const std::string& path);

}  // namespace actscope
