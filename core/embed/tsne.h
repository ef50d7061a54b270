// t-SNE (van der Maaten and Hinton 2008) of feature rows into 2-D, written
// from the papers and checked against scikit-learn: exact k nearest
// neighbours (k = 3 x perplexity), each row's Gaussian calibrated to the
// perplexity by binary search, affinities symmetrized; a PCA start scaled to
// standard deviation 1e-4; gradient descent with momentum and gains, early
// exaggeration, the learning rate N/12 of Belkina et al. 2019 in this
// gradient convention (scikit-learn's "auto", N/48 in its own convention
// that multiplies the gradient by 4, is the same step) and Barnes-Hut
// repulsion (barnes_hut.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace actscope {

struct TsneOptions {
  double perplexity = 30.0;
  int iterations = 750;              // all of them, the early-exaggeration ones included
  int exaggeration_iterations = 250;
  double exaggeration = 12.0;
  double learning_rate = 0.0;        // 0: max(N / 12, 200)
  double theta = 0.5;                // Barnes-Hut opening angle
  std::string init = "pca";          // or "random" (Gaussian, std 1e-4, from `seed`)
  uint64_t seed = 0;
  int threads = 0;                   // 0: the engine's thread count
};

// The calibrated, symmetrized affinities P (sparse, rows in CSR form; the
// entries of a row sorted by column) summing to 1.
struct Affinities {
  int64_t rows = 0;
  std::vector<int64_t> row_start;  // rows + 1
  std::vector<int32_t> column;
  std::vector<float> value;
};

// P from the rows' k nearest neighbours (their squared distances): each
// row's conditional distribution calibrated to `perplexity` (entropy log P
// in nats, binary search on the Gaussian's precision), then (P + P^T) / sum.
struct Neighbours;
Affinities tsne_affinities(const Neighbours& neighbours, double perplexity);

// Features a layout can be made of: every value finite, not every row the
// same. Errors name the first row with NaN or Inf.
Status check_features(const float* values, int64_t rows, int64_t dims);

// KL(P || Q) of a layout, Q's normalization from Barnes-Hut's Z.
double kl_divergence(const Affinities& p, const std::vector<float>& layout, double z);

// A t-SNE run a few iterations at a time, so that a caller can show the
// layout as it forms and cancel between steps. Not thread-safe; any thread.
class TsneRun {
 public:
  // Neighbours, affinities and the starting layout. Requires rows > 3 x
  // perplexity' (a smaller perplexity is used when the rows are too few:
  // perplexity() says which). `progress` reports the neighbour search.
  static Result<TsneRun> start(const float* values, int64_t rows, int64_t dims, const TsneOptions& options,
                               const std::function<bool(size_t, size_t)>& progress = {});
  // Runs up to `count` more iterations; true while iterations remain.
  bool step(int count);
  int iteration() const { return iteration_; }
  int iterations() const { return options_.iterations; }
  double perplexity() const { return options_.perplexity; }
  double learning_rate() const { return learning_rate_; }
  // The layout now: rows x 2, x and y interleaved.
  const std::vector<float>& layout() const { return layout_; }
  // KL(P || Q) of the layout now (computes the repulsion once more).
  double kl_divergence() const;

 private:
  TsneOptions options_;
  Affinities p_;
  std::vector<float> layout_;
  std::vector<double> update_, gains_;
  double learning_rate_ = 0.0;
  int iteration_ = 0;
  int threads_ = 1;
};

// The whole run: the final layout and its KL divergence.
struct TsneResult {
  std::vector<float> layout;  // rows x 2
  double kl_divergence = 0.0;
  double perplexity = 0.0;    // used (lowered when the rows are too few)
  double learning_rate = 0.0;
};
// `progress` gets (iterations done, iterations) and may cancel ("cancelled").
Result<TsneResult> run_tsne(const float* values, int64_t rows, int64_t dims, const TsneOptions& options,
                            const std::function<bool(size_t, size_t)>& progress = {});

}  // namespace actscope
