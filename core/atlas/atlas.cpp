#include "core/atlas/atlas.h"

#include <algorithm>
#include <set>

namespace actscope {
namespace {

// Why `part` cannot be merged with `first`, or "".
std::string mismatch(const Atlas& first, const Atlas& part) {
  if (part.model_sha256 != first.model_sha256) return "it was scanned with another model (" + part.model_path + ")";
  if (part.dataset_path != first.dataset_path || part.dataset_images != first.dataset_images ||
      part.limit != first.limit) {
    return "it scanned another dataset or range (" + part.dataset_path + ", " +
           std::to_string(part.dataset_images) + " images)";
  }
  if (part.top_k != first.top_k) return "it keeps another number of top images (" + std::to_string(part.top_k) + ")";
  if (part.shards != first.shards) return "it is one of " + std::to_string(part.shards) + " shards, not " +
                                          std::to_string(first.shards);
  if (part.layers.size() != first.layers.size()) return "it scanned other layers";
  for (size_t i = 0; i < part.layers.size(); ++i) {
    if (part.layers[i].name != first.layers[i].name || part.layers[i].shape != first.layers[i].shape ||
        part.layers[i].class_images.size() != first.layers[i].class_images.size()) {
      return "it scanned other layers (" + part.layers[i].name + ")";
    }
  }
  return "";
}

}  // namespace

bool in_shard(int64_t index, int shard, int shards) { return index % shards == shard; }

Result<Atlas> merge_atlases(const std::vector<Atlas>& shards) {
  if (shards.empty()) return Error{"no shards to merge"};
  const Atlas& first = shards.front();
  std::set<int> seen;
  for (const Atlas& part : shards) {
    const std::string why = mismatch(first, part);
    if (!why.empty()) return Error{"shard " + std::to_string(part.shard) + " cannot be merged: " + why};
    if (!seen.insert(part.shard).second) return Error{"shard " + std::to_string(part.shard) + " is given twice"};
  }
  for (int index = 0; index < first.shards; ++index) {
    if (!seen.count(index)) {
      return Error{"shard " + std::to_string(index) + " of " + std::to_string(first.shards) + " is missing"};
    }
  }
  Atlas merged = first;
  merged.shard = 0;
  merged.shards = 1;
  for (size_t p = 1; p < shards.size(); ++p) {
    for (size_t i = 0; i < merged.layers.size(); ++i) merged.layers[i].merge(shards[p].layers[i]);
    merged.skipped.insert(merged.skipped.end(), shards[p].skipped.begin(), shards[p].skipped.end());
  }
  std::sort(merged.skipped.begin(), merged.skipped.end(),
            [](const SkippedImage& a, const SkippedImage& b) { return a.index < b.index; });
  return merged;
}

}  // namespace actscope
