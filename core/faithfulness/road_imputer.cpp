#include "core/faithfulness/road_imputer.h"

#include <algorithm>
#include <random>

#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>

namespace actscope {
namespace {

struct Neighbour {
  int dy, dx;
  double weight;
};
constexpr Neighbour kNeighbours[] = {{1, 1, 1.0 / 12}, {0, 1, 1.0 / 6},   {-1, 1, 1.0 / 12}, {1, -1, 1.0 / 12},
                                     {0, -1, 1.0 / 6}, {-1, -1, 1.0 / 12}, {1, 0, 1.0 / 6},   {-1, 0, 1.0 / 6}};

}  // namespace

void impute_road(const float* image, int64_t channels, int64_t height, int64_t width,
                 const std::vector<uint8_t>& keep, double noise, uint64_t noise_seed, float* out) {
  const int64_t pixels = height * width;
  std::copy(image, image + channels * pixels, out);
  // Unknown number of each removed pixel, in row-major order.
  std::vector<int64_t> unknown(static_cast<size_t>(pixels), -1);
  std::vector<int64_t> removed;
  for (int64_t i = 0; i < pixels; ++i) {
    if (keep[static_cast<size_t>(i)]) continue;
    unknown[static_cast<size_t>(i)] = static_cast<int64_t>(removed.size());
    removed.push_back(i);
  }
  const auto n = static_cast<Eigen::Index>(removed.size());
  if (n == 0) return;
  Eigen::MatrixXd solution = Eigen::MatrixXd::Zero(n, channels);
  if (n < pixels) {
    // sum_valid(w) x_i - sum_removed(w_j x_j) = sum_kept(w_k v_k): the negative
    // of pytorch-grad-cam's system, so that the matrix is positive definite.
    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(static_cast<size_t>(n) * 9);
    Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(n, channels);
    for (Eigen::Index row = 0; row < n; ++row) {
      const int64_t y = removed[static_cast<size_t>(row)] / width;
      const int64_t x = removed[static_cast<size_t>(row)] % width;
      double diagonal = 0.0;
      for (const Neighbour& neighbour : kNeighbours) {
        const int64_t ny = y + neighbour.dy, nx = x + neighbour.dx;
        if (ny < 0 || nx < 0 || ny >= height || nx >= width) continue;
        diagonal += neighbour.weight;
        const int64_t at = ny * width + nx;
        const int64_t column = unknown[static_cast<size_t>(at)];
        if (column >= 0) {
          entries.emplace_back(row, column, -neighbour.weight);
        } else {
          for (int64_t c = 0; c < channels; ++c) rhs(row, c) += neighbour.weight * image[c * pixels + at];
        }
      }
      entries.emplace_back(row, row, diagonal);
    }
    Eigen::SparseMatrix<double> system(n, n);
    system.setFromTriplets(entries.begin(), entries.end());
    Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(system);
    if (solver.info() == Eigen::Success) solution = solver.solve(rhs);
  }
  std::mt19937_64 generator(noise_seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const auto scale = static_cast<float>(noise);
  for (int64_t c = 0; c < channels; ++c) {
    for (Eigen::Index row = 0; row < n; ++row) {
      float value = static_cast<float>(solution(row, c));
      if (noise != 0.0) value += scale * normal(generator);
      out[c * pixels + removed[static_cast<size_t>(row)]] = value;
    }
  }
}

}  // namespace actscope
