// P for t-SNE: per-row perplexity calibration and symmetrization (tsne.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/embed/neighbours.h"
#include "core/embed/tsne.h"

namespace actscope {
namespace {

constexpr int kSearchSteps = 100;
constexpr double kEntropyTolerance = 1e-5;

// Row i's conditional probabilities p_{j|i} over its neighbours, the
// Gaussian's precision found by bisection so that the entropy (nats) is
// log(perplexity).
void calibrate_row(const float* distance2, int k, double desired_entropy, double* p) {
  double beta = 1.0;
  double beta_min = -std::numeric_limits<double>::infinity();
  double beta_max = std::numeric_limits<double>::infinity();
  for (int step = 0; step < kSearchSteps; ++step) {
    double sum = 0.0;
    for (int j = 0; j < k; ++j) {
      p[j] = std::exp(-static_cast<double>(distance2[j]) * beta);
      sum += p[j];
    }
    if (sum == 0.0) sum = 1e-8;
    double weighted = 0.0;
    for (int j = 0; j < k; ++j) {
      p[j] /= sum;
      weighted += distance2[j] * p[j];
    }
    const double diff = std::log(sum) + beta * weighted - desired_entropy;
    if (std::abs(diff) <= kEntropyTolerance) return;
    if (diff > 0) {
      beta_min = beta;
      beta = std::isinf(beta_max) ? beta * 2.0 : (beta + beta_max) / 2.0;
    } else {
      beta_max = beta;
      beta = std::isinf(beta_min) ? beta / 2.0 : (beta + beta_min) / 2.0;
    }
  }
}

}  // namespace

Affinities tsne_affinities(const Neighbours& neighbours, double perplexity) {
  const int64_t rows = neighbours.rows;
  const int k = neighbours.k;
  std::vector<double> conditional(static_cast<size_t>(rows * k));
  const double desired = std::log(perplexity);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < rows; ++i) {
    calibrate_row(neighbours.distance2.data() + i * k, k, desired, conditional.data() + i * k);
  }
  // P + P^T: each row holds its own neighbours and the rows that chose it.
  Affinities p;
  p.rows = rows;
  std::vector<int64_t> count(static_cast<size_t>(rows), k);
  for (int32_t j : neighbours.index) ++count[static_cast<size_t>(j)];
  p.row_start.assign(static_cast<size_t>(rows + 1), 0);
  for (int64_t i = 0; i < rows; ++i) p.row_start[i + 1] = p.row_start[i] + count[i];
  std::vector<std::pair<int32_t, float>> entries(static_cast<size_t>(p.row_start[rows]));
  std::vector<int64_t> fill(p.row_start.begin(), p.row_start.end() - 1);
  for (int64_t i = 0; i < rows; ++i) {
    for (int j = 0; j < k; ++j) {
      const int32_t other = neighbours.index[static_cast<size_t>(i * k + j)];
      const auto value = static_cast<float>(conditional[static_cast<size_t>(i * k + j)]);
      entries[static_cast<size_t>(fill[i]++)] = {other, value};
      entries[static_cast<size_t>(fill[other]++)] = {static_cast<int32_t>(i), value};
    }
  }
  // Within each row: sorted by column, a pair that chose each other merged.
  std::vector<int64_t> merged_start(static_cast<size_t>(rows + 1), 0);
  for (int64_t i = 0; i < rows; ++i) {
    auto first = entries.begin() + p.row_start[i], last = entries.begin() + p.row_start[i + 1];
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last; ++it) {
      if (!p.column.empty() && merged_start[i] < static_cast<int64_t>(p.column.size()) &&
          p.column.back() == it->first) {
        p.value.back() += it->second;
      } else {
        p.column.push_back(it->first);
        p.value.push_back(it->second);
      }
    }
    merged_start[i + 1] = static_cast<int64_t>(p.column.size());
  }
  p.row_start = std::move(merged_start);
  const double total = std::accumulate(p.value.begin(), p.value.end(), 0.0);
  for (float& value : p.value) value = static_cast<float>(value / std::max(total, std::numeric_limits<double>::min()));
  return p;
}

}  // namespace actscope
