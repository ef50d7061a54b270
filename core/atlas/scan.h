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

}  // namespace actscope
