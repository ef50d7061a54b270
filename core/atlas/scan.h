// Scans a dataset (or one shard of it) through a model in batches and keeps
// each requested layer's filter statistics (filter_stats.h): the atlas.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/atlas/atlas.h"
#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/model/model.h"

namespace actscope {

struct ScanOptions {
  // Layer names; empty means every capturable layer with spatial maps.
  std::vector<std::string> layers;
  int64_t limit = 0;   // only the first `limit` images in dataset order; 0: all
  int top_k = 9;       // top images kept per filter
  int batch_size = 32; // images per forward (every requested layer of a batch is held at once)
  int shard = 0;       // scan images i with i % shards == shard
  int shards = 1;
  // (done, total) images of this shard; returning false cancels ("cancelled").
  std::function<bool(size_t done, size_t total)> progress;
};

// Scans `dataset` (opened for `model`'s card) with `model`. An image that
// cannot be read is skipped and listed in Atlas::skipped; the scan goes on.
// Errors name the layer that is unknown or has no maps, or the model's failure.
// One call at a time per Model; any thread.
Result<Atlas> scan_dataset(const Model& model, const Dataset& dataset, const ScanOptions& options);

// The same scan a batch at a time, for a caller that runs other work between
// batches (the desktop program's one engine worker). `model` and `dataset`
// must outlive it and stay the same for every step; one step at a time.
class DatasetScan {
 public:
  // Checks the options and lays out the empty atlas.
  static Result<DatasetScan> start(const Model& model, const Dataset& dataset, const ScanOptions& options);
  // Scans the next batch; true while batches remain after it.
  Result<bool> step();
  size_t done() const { return next_; }
  size_t total() const { return mine_.size(); }
  // The atlas, once step() returned false.
  Atlas take_atlas() { return std::move(atlas_); }

 private:
  DatasetScan(const Model& model, const Dataset& dataset) : model_(&model), dataset_(&dataset) {}
  const Model* model_;
  const Dataset* dataset_;
  Atlas atlas_;
  std::vector<int64_t> mine_;  // this shard's images, in dataset order
  CaptureOptions capture_options_;
  size_t batch_size_ = 1;
  size_t next_ = 0;
};

}  // namespace actscope
