#include "core/explain/cam_methods.h"

#include <algorithm>
#include <stdexcept>

#include "core/model/model_impl.h"

namespace actscope {

torch::Tensor weighted_sum(const torch::Tensor& weights, const torch::Tensor& activations) {
  return (weights.unsqueeze(-1).unsqueeze(-1) * activations).sum(1);
}

torch::Tensor gradient_map(CamMethod method, const torch::Tensor& a, const torch::Tensor& g) {
  switch (method) {
    case CamMethod::kGradCam:
      return weighted_sum(g.mean({2, 3}), a);
    case CamMethod::kHiResCam:
      return (g * a).sum(1);
    case CamMethod::kGradCamPlusPlus: {
      const torch::Tensor g2 = g.pow(2);
      const torch::Tensor g3 = g.pow(3);
      const torch::Tensor sums = a.sum({2, 3}).unsqueeze(-1).unsqueeze(-1);
      torch::Tensor alpha = g2 / (2 * g2 + sums * g3 + 1e-6);
      alpha = torch::where(g != 0, alpha, torch::zeros_like(alpha));
      return weighted_sum((torch::relu(g) * alpha).sum({2, 3}), a);
    }
    case CamMethod::kXGradCam: {
      const torch::Tensor sums = a.sum({2, 3}).unsqueeze(-1).unsqueeze(-1);
      return weighted_sum((g * a / (sums + 1e-7)).sum({2, 3}), a);
    }
    case CamMethod::kLayerCam:
      return (torch::relu(g) * a).sum(1);
    default:
      break;
  }
  throw std::logic_error("not a gradient method: " + to_string(method));
}

// EigenCAM: the sign of a singular vector is arbitrary; the one whose
// projection correlates positively with the channel mean of A is kept, so
// that the map highlights where the layer is active.
torch::Tensor eigen_map(torch::Tensor a) {
  a = torch::where(a.isnan(), torch::zeros_like(a), a);
  const int64_t n = a.size(0), c = a.size(1), h = a.size(2), w = a.size(3);
  torch::Tensor out = torch::empty({n, h, w});
  for (int64_t i = 0; i < n; ++i) {
    torch::Tensor m = a[i].reshape({c, h * w}).t();
    m = m - m.mean(0, /*keepdim=*/true);
    const auto svd = at::linalg_svd(m, /*full_matrices=*/false);
    torch::Tensor projection = m.matmul(std::get<2>(svd)[0]);
    const torch::Tensor channel_mean = a[i].mean(0).flatten();
    if (projection.dot(channel_mean - channel_mean.mean()).item<float>() < 0) projection = -projection;
    out[i] = projection.reshape({h, w});
  }
  return out;
}

Result<torch::Tensor> score_cam_map(torch::jit::Module& module, const torch::Tensor& input,
                                    const torch::Tensor& a, const torch::Tensor& classes,
                                    const CamOptions& options, ScoreCamProgress& progress,
                                    const std::string& path) {
  const int64_t images = a.size(0);
  const int64_t channels = a.size(1);
  const int64_t step = std::max(1, options.score_batch_size);
  torch::Tensor raw = torch::empty({images, a.size(2), a.size(3)});
  for (int64_t n = 0; n < images; ++n) {
    torch::Tensor scores = torch::empty({channels});
    const int64_t target = classes[n].item<int64_t>();
    for (int64_t first = 0; first < channels; first += step) {
      const int64_t count = std::min(step, channels - first);
      torch::Tensor masks = at::upsample_bilinear2d(a.narrow(0, n, 1).narrow(1, first, count),
                                                    {input.size(2), input.size(3)}, /*align_corners=*/true)
                                .squeeze(0);
      const torch::Tensor flat = masks.flatten(1);
      const torch::Tensor low = std::get<0>(flat.min(1)).view({count, 1, 1});
      const torch::Tensor high = std::get<0>(flat.max(1)).view({count, 1, 1});
      masks = (masks - low) / (high - low + 1e-8);
      const torch::Tensor masked = input[n].unsqueeze(0) * masks.unsqueeze(1);
      auto logits = first_tensor(module.forward({masked}));
      if (!logits) return Error{path + ": forward() returned no tensor"};
      scores.narrow(0, first, count).copy_(logits->select(1, target));
      progress.done += static_cast<size_t>(count);
      if (options.progress && !options.progress(progress.done, progress.total)) return Error{"cancelled"};
    }
    raw[n] = (torch::softmax(scores, 0).view({channels, 1, 1}) * a[n]).sum(0);
  }
  return raw;
}

}  // namespace actscope
