#include "core/embed/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/embed/barnes_hut.h"
#include "core/embed/neighbours.h"
#include "core/embed/pca.h"
#include "core/model/model.h"

namespace actscope {
namespace {

constexpr double kMomentumEarly = 0.5;
constexpr double kMomentumLate = 0.8;
constexpr double kMinGain = 0.01;
constexpr double kStartDeviation = 1e-4;

// The starting layout: the first two principal coordinates scaled so that
// the first has standard deviation 1e-4, or seeded Gaussian noise.
Result<std::vector<float>> starting_layout(const float* values, int64_t rows, int64_t dims, const TsneOptions& options) {
  std::vector<float> layout(static_cast<size_t>(2 * rows), 0.0f);
  std::mt19937_64 random(options.seed);
  std::normal_distribution<double> noise(0.0, kStartDeviation);
  if (options.init == "random") {
    for (float& value : layout) value = static_cast<float>(noise(random));
    return layout;
  }
  if (options.init != "pca") return Error{"unknown t-SNE start '" + options.init + "' (pca or random)"};
  auto pca = principal_components(values, rows, dims, 2);
  if (!pca) return Error{pca.error()};
  const Projection& projection = pca.value();
  double mean = 0.0, square = 0.0;
  for (int64_t i = 0; i < rows; ++i) mean += projection.coordinates[static_cast<size_t>(i * projection.components)];
  mean /= static_cast<double>(rows);
  for (int64_t i = 0; i < rows; ++i) {
    const double d = projection.coordinates[static_cast<size_t>(i * projection.components)] - mean;
    square += d * d;
  }
  const double deviation = std::sqrt(square / static_cast<double>(rows));
  const double scale = deviation > 0 ? kStartDeviation / deviation : 0.0;
  for (int64_t i = 0; i < rows; ++i) {
    for (int c = 0; c < 2; ++c) {
      layout[static_cast<size_t>(2 * i + c)] =
          c < projection.components
              ? static_cast<float>(projection.coordinates[static_cast<size_t>(i * projection.components + c)] * scale)
              : static_cast<float>(noise(random));
    }
  }
  return layout;
}

}  // namespace

Status check_features(const float* values, int64_t rows, int64_t dims) {
  bool varies = false;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t d = 0; d < dims; ++d) {
      const float value = values[row * dims + d];
      if (!std::isfinite(value)) return Error{"the features of row " + std::to_string(row) + " hold NaN or Inf"};
      varies = varies || value != values[d];
    }
  }
  if (!varies) return Error{"every row of features is the same: nothing to lay out (a dead layer?)"};
  return Done{};
}

double kl_divergence(const Affinities& p, const std::vector<float>& layout, double z) {
  constexpr double kTiny = std::numeric_limits<float>::min();
  double kl = 0.0;
  for (int64_t i = 0; i < p.rows; ++i) {
    for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
      const int32_t j = p.column[static_cast<size_t>(e)];
      const double dx = layout[2 * i] - layout[2 * static_cast<size_t>(j)];
      const double dy = layout[2 * i + 1] - layout[2 * static_cast<size_t>(j) + 1];
      const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
      const double pij = p.value[static_cast<size_t>(e)];
      kl += pij * std::log(std::max(pij, kTiny) / std::max(q, kTiny));
    }
  }
  return kl;
}

Result<TsneRun> TsneRun::start(const float* values, int64_t rows, int64_t dims, const TsneOptions& options,
                               const std::function<bool(size_t, size_t)>& progress) {
  if (rows < 4) return Error{"t-SNE needs at least 4 rows of features, got " + std::to_string(rows)};
  if (!(options.perplexity > 0)) return Error{"the perplexity must be above 0"};
  if (options.iterations < 1) return Error{"t-SNE needs at least one iteration"};
  if (options.theta < 0 || options.theta > 0.7) return Error{"the Barnes-Hut angle must be within 0 .. 0.7"};
  if (auto usable = check_features(values, rows, dims); !usable) return Error{usable.error()};
  TsneRun run;
  run.options_ = options;
  // Too few rows for the perplexity: the largest it can be (openTSNE does the same).
  run.options_.perplexity = std::min(options.perplexity, static_cast<double>(rows - 1) / 3.0);
  run.threads_ = options.threads > 0 ? options.threads : std::max(1, thread_count());
  const int k = std::min<int64_t>(rows - 1, static_cast<int64_t>(std::lround(3.0 * run.options_.perplexity)));
  auto neighbours = nearest_neighbours(values, rows, dims, std::max(1, k), progress);
  if (!neighbours) return Error{neighbours.error()};
  run.p_ = tsne_affinities(neighbours.value(), run.options_.perplexity);
  auto layout = starting_layout(values, rows, dims, run.options_);
  if (!layout) return Error{layout.error()};
  run.layout_ = std::move(layout).value();
  run.update_.assign(static_cast<size_t>(2 * rows), 0.0);
  run.gains_.assign(static_cast<size_t>(2 * rows), 1.0);
  run.learning_rate_ =
      options.learning_rate > 0 ? options.learning_rate : std::max(static_cast<double>(rows) / 12.0, 200.0);
  return run;
}

bool TsneRun::step(int count) {
  const int64_t rows = p_.rows;
  std::vector<double> gradient(static_cast<size_t>(2 * rows));
  for (int done = 0; done < count && iteration_ < options_.iterations; ++done, ++iteration_) {
    const bool early = iteration_ < options_.exaggeration_iterations;
    if (iteration_ == options_.exaggeration_iterations) {
      // A second descent from where the first ended, as scikit-learn runs it.
      std::fill(update_.begin(), update_.end(), 0.0);
      std::fill(gains_.begin(), gains_.end(), 1.0);
    }
    const double exaggeration = early ? options_.exaggeration : 1.0;
    const double momentum = early ? kMomentumEarly : kMomentumLate;
    const RepulsiveForces repulsion = repulsive_forces(layout_, rows, options_.theta, threads_);
    const double z = std::max(repulsion.z, std::numeric_limits<double>::min());
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (int64_t i = 0; i < rows; ++i) {
      float ax = 0, ay = 0;
      const float xi = layout_[2 * i], yi = layout_[2 * i + 1];
      const auto scale = static_cast<float>(exaggeration);
      for (int64_t e = p_.row_start[i]; e < p_.row_start[i + 1]; ++e) {
        const auto j = static_cast<size_t>(p_.column[static_cast<size_t>(e)]);
        const float dx = xi - layout_[2 * j], dy = yi - layout_[2 * j + 1];
        const float pw = p_.value[static_cast<size_t>(e)] * scale / (1.0f + dx * dx + dy * dy);
        ax += pw * dx;
        ay += pw * dy;
      }
      gradient[2 * i] = ax - repulsion.force[2 * i] / z;
      gradient[2 * i + 1] = ay - repulsion.force[2 * i + 1] / z;
    }
    for (size_t v = 0; v < gradient.size(); ++v) {
      const bool same_direction = (update_[v] * gradient[v]) < 0.0;
      gains_[v] = std::max(kMinGain, same_direction ? gains_[v] + 0.2 : gains_[v] * 0.8);
      update_[v] = momentum * update_[v] - learning_rate_ * gains_[v] * gradient[v];
      layout_[v] = static_cast<float>(layout_[v] + update_[v]);
    }
  }
  return iteration_ < options_.iterations;
}

double TsneRun::kl_divergence() const {
  const RepulsiveForces repulsion = repulsive_forces(layout_, p_.rows, options_.theta, threads_);
  return actscope::kl_divergence(p_, layout_, std::max(repulsion.z, std::numeric_limits<double>::min()));
}

Result<TsneResult> run_tsne(const float* values, int64_t rows, int64_t dims, const TsneOptions& options,
                            const std::function<bool(size_t, size_t)>& progress) {
  auto run = TsneRun::start(values, rows, dims, options);
  if (!run) return Error{run.error()};
  TsneRun& tsne = run.value();
  constexpr int kReport = 10;
  while (tsne.step(kReport)) {
    if (progress && !progress(static_cast<size_t>(tsne.iteration()), static_cast<size_t>(tsne.iterations()))) {
      return Error{"cancelled"};
    }
  }
  if (progress) progress(static_cast<size_t>(tsne.iteration()), static_cast<size_t>(tsne.iterations()));
  TsneResult result;
  result.kl_divergence = tsne.kl_divergence();
  result.layout = tsne.layout();
  result.perplexity = tsne.perplexity();
  result.learning_rate = tsne.learning_rate();
  return result;
}

}  // namespace actscope
