// An atlas: the filter statistics (filter_stats.h) of a model's layers over
// a dataset, or over one shard of it, with what they were computed on, so
// that shards can be checked and merged into exactly what one run gives.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/atlas/filter_stats.h"
#include "core/base/result.h"

namespace actscope {

// An image of the scan's range that could not be read: skipped, the scan
// went on without it.
struct SkippedImage {
  int64_t index = 0;  // in the dataset
  std::string name;
  std::string error;  // names the file and what is wrong
};

struct Atlas {
  std::string model_name;
  std::string model_path;
  std::string model_sha256;  // of the model file: shards of another model are refused
  std::string dataset_path;
  int64_t dataset_images = 0;  // images in the scan's range (after any limit), every shard
  int64_t limit = 0;           // 0: no limit
  int shard = 0;               // this part's index, and the number of parts (1: a whole run)
  int shards = 1;
  int top_k = 9;
  std::vector<std::string> labels;  // class names; empty for a dataset without labels
  std::vector<LayerStats> layers;
  std::vector<SkippedImage> skipped;  // by index; not in any statistic
};

// The images shard `shard` of `shards` scans among the first `count`: those
// with index % shards == shard.
bool in_shard(int64_t index, int shard, int shards);

// Combines every shard of one scan (the same model file, dataset, limit,
// layers and K; each index 0 .. shards-1 exactly once) into the atlas one run
// over all images gives: the same counts and top lists, sums equal up to
// float rounding. Errors say which shard is missing, repeated or different.
Result<Atlas> merge_atlases(const std::vector<Atlas>& shards);

}  // namespace actscope
