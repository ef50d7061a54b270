#include "core/embed/pca.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/model/torch_bridge.h"

namespace actscope {
namespace {

// Flips each column of `coords` so that its largest absolute value is positive.
void orient_axes(torch::Tensor& coords) {
  for (int64_t c = 0; c < coords.size(1); ++c) {
    auto column = coords.select(1, c);
    const auto at = column.abs().argmax().item<int64_t>();
    if (column[at].item<double>() < 0) column.neg_();
  }
}

}  // namespace

std::vector<float> planar_layout(const Projection& projection) {
  std::vector<float> layout(static_cast<size_t>(2 * projection.rows), 0.0f);
  const int used = std::min(projection.components, 2);
  for (int64_t row = 0; row < projection.rows; ++row) {
    for (int c = 0; c < used; ++c) {
      layout[static_cast<size_t>(2 * row + c)] = projection.coordinates[static_cast<size_t>(row * projection.components + c)];
    }
  }
  return layout;
}

Result<Projection> principal_components(const float* values, int64_t rows, int64_t dims, int components) {
  if (rows < 2) return Error{"PCA needs at least 2 rows of features, got " + std::to_string(rows)};
  if (dims < 1 || components < 1) return Error{"PCA needs features of at least one dimension"};
  for (int64_t i = 0; i < rows * dims; ++i) {
    if (!std::isfinite(values[i])) return Error{"the features of row " + std::to_string(i / dims) + " hold NaN or Inf"};
  }
  try {
    torch::NoGradGuard no_grad;
    auto x = torch::from_blob(const_cast<float*>(values), {rows, dims}, torch::kFloat32).to(torch::kFloat64);
    x = x - x.mean(0, true);
    const int64_t k = std::min<int64_t>(components, std::min(rows, dims));
    torch::Tensor coords;
    torch::Tensor eigenvalues;
    if (dims <= rows) {
      // Covariance (dims x dims): eigenvalues come in ascending order.
      auto [lambda, vectors] = torch::linalg_eigh(x.t().mm(x), "L");
      auto axes = vectors.narrow(1, dims - k, k).flip({1});
      coords = x.mm(axes);
      eigenvalues = lambda.flip({0});
    } else {
      // Gram matrix (rows x rows): the coordinates are U * sqrt(lambda).
      auto [lambda, vectors] = torch::linalg_eigh(x.mm(x.t()), "L");
      auto top = lambda.narrow(0, rows - k, k).flip({0}).clamp_min(0);
      coords = vectors.narrow(1, rows - k, k).flip({1}) * top.sqrt().unsqueeze(0);
      eigenvalues = lambda.flip({0});
    }
    orient_axes(coords);
    Projection projection;
    projection.rows = rows;
    projection.components = static_cast<int>(k);
    auto flat = coords.to(torch::kFloat32).contiguous();
    projection.coordinates.assign(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
    const double total = eigenvalues.clamp_min(0).sum().item<double>();
    for (int64_t c = 0; c < k; ++c) {
      projection.explained_ratio.push_back(total > 0 ? std::max(0.0, eigenvalues[c].item<double>()) / total : 0.0);
    }
    return projection;
  } catch (const c10::Error& error) {
    return Error{"PCA failed: " + first_line(error.what())};
  }
}

}  // namespace actscope
