// CKA of model A's layers against model B's over the same images in the
// same batches (gram.h): per batch of `batch_size` images in dataset order
// the unbiased HSIC of every pair, summed over batches, and
//   CKA(a, b) = sum HSIC(Ka, Kb) / sqrt(sum HSIC(Ka, Ka) * sum HSIC(Kb, Kb)).
// The last partial batch is dropped. A shard takes whole batches (batch j
// when j % shards == shard) and keeps its sums, so the merge of every shard
// is one run's result up to the order of double additions. Memory is
// bounded by one batch of both models' layers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/atlas/atlas.h"
#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/model/model.h"
#include "core/similarity/gram.h"

namespace actscope {

struct CkaOptions {
  // Layer names of A and of B; empty: default_cka_layers of that model.
  std::vector<std::string> layers_a;
  std::vector<std::string> layers_b;
  int64_t limit = 0;    // only the first `limit` images in dataset order; 0: all
  int batch_size = 64;  // images per batch, at least 4 (the estimator's least)
  int shard = 0;        // take batches j with j % shards == shard
  int shards = 1;
  // (done, total) images of this shard's batches; returning false cancels ("cancelled").
  std::function<bool(size_t done, size_t total)> progress;
};

// A run's sums, or a shard's: what a merge adds.
struct CkaSums {
  std::vector<double> cross;   // layers_a x layers_b, row-major: sum of HSIC(Ka, Kb)
  std::vector<double> self_a;  // per layer of A: sum of HSIC(Ka, Ka)
  std::vector<double> self_b;  // per layer of B
};

struct CkaRun {
  std::string model_a, model_b;  // paths
  std::string sha256_a, sha256_b;
  std::string input_a, input_b;  // what each model was fed (input_description of its card)
  std::string dataset_path;
  int64_t dataset_images = 0;  // images in the run's range (after any limit), every shard
  int64_t limit = 0;
  int batch_size = 64;
  int shard = 0;
  int shards = 1;
  int64_t batches = 0;  // batches summed (this shard's)
  int64_t images = 0;   // images in them
  int64_t dropped = 0;  // images of the last partial batch, in no batch
  std::vector<std::string> layers_a, layers_b;
  CkaSums sums;
  std::vector<SkippedImage> skipped;  // unreadable images, left out of their batch

  // CKA of every pair, layers_a x layers_b row-major; NaN for a layer whose
  // self-HSIC is not positive (a constant layer has no similarity to speak of).
  std::vector<double> cka() const;
};

// Every capturable layer with spatial maps, then the penultimate layer
// (penultimate_layer) when it is not among them.
std::vector<std::string> default_cka_layers(const Model& model);

// The Gram matrices of `layers` (each capturable, one output row per image)
// from a capture of `images` images, in the order of `layers`. Errors name
// the model and the layer.
Result<std::vector<BatchGram>> layer_grams(const Model& model, const CaptureResult& captured,
                                           const std::vector<std::string>& layers, int64_t images);

// Checks that every name is a capturable layer of `model` ("unknown layer"
// naming the closest ones otherwise).
Status check_cka_layers(const Model& model, const std::vector<std::string>& layers);

// The comparison a batch at a time, for a caller that runs other work
// between batches (the desktop program's engine worker). `a`, `b` and
// `dataset` must outlive it; `a` and `b` may be the same model. Each model
// is fed images as its own card makes them. One step at a time.
class CkaComparison {
 public:
  static Result<CkaComparison> start(const Model& a, const Model& b, const Dataset& dataset, const CkaOptions& options);
  // Sums the next batch; true while batches remain after it.
  Result<bool> step();
  size_t done() const { return next_ * static_cast<size_t>(run_.batch_size); }
  size_t total() const { return mine_.size() * static_cast<size_t>(run_.batch_size); }
  const CkaRun& run() const { return run_; }
  CkaRun take() { return std::move(run_); }

 private:
  CkaComparison(const Model& a, const Model& b, const Dataset& dataset) : a_(&a), b_(&b), dataset_(&dataset) {}
  const Model* a_;
  const Model* b_;
  const Dataset* dataset_;
  CkaRun run_;
  std::vector<int64_t> mine_;  // this shard's batches
  size_t next_ = 0;
};

// The whole comparison (CkaComparison to its end, with options.progress).
Result<CkaRun> compare_models(const Model& a, const Model& b, const Dataset& dataset, const CkaOptions& options);

// Combines every shard of one comparison (the same model files, dataset,
// limit, batch size and layers; each index 0 .. shards-1 exactly once) into
// what one run gives. Errors say which shard is missing, repeated or different.
Result<CkaRun> merge_cka(const std::vector<CkaRun>& shards);

}  // namespace actscope
