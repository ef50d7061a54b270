#include "core/atlas/scan.h"

#include <algorithm>
#include <unordered_map>

#include "core/io/sha256.h"
#include "core/model/layer_query.h"

namespace actscope {
namespace {

// The layers to scan: those asked for, else every layer with spatial maps.
Result<std::vector<const LayerInfo*>> scanned_layers(const Model& model, const std::vector<std::string>& names) {
  std::vector<const LayerInfo*> layers;
  if (names.empty()) {
    for (const LayerInfo& layer : model.layers()) {
      if (has_spatial_maps(layer)) layers.push_back(&layer);
    }
    if (layers.empty()) return Error{model.path() + ": no layer has spatial maps to scan"};
    return layers;
  }
  for (const std::string& name : names) {
    const LayerInfo* layer = model.find_layer(name);
    if (!layer) return Error{unknown_layer_message(model, name)};
    if (!layer->capturable || layer->shape.size() != 4) {
      return Error{model.path() + ": layer '" + name + "' has no maps to scan (output " +
                   shape_string(layer->shape) + ")"};
    }
    layers.push_back(layer);
  }
  return layers;
}

Atlas empty_atlas(const Model& model, const Dataset& dataset, const ScanOptions& options,
                  const std::vector<const LayerInfo*>& layers, int64_t total) {
  Atlas atlas;
  atlas.model_name = model.card().name;
  atlas.model_path = model.path();
  atlas.dataset_path = dataset.source;
  atlas.dataset_images = total;
  atlas.limit = options.limit;
  atlas.shard = options.shard;
  atlas.shards = options.shards;
  atlas.top_k = options.top_k;
  const bool labelled = std::any_of(dataset.images.begin(), dataset.images.end(),
                                    [](const DatasetImage& image) { return image.true_class >= 0; });
  if (labelled) atlas.labels = model.card().labels;
  for (const LayerInfo* layer : layers) {
    atlas.layers.emplace_back(layer->name, static_cast<int>(layer->shape[1]), static_cast<int>(layer->shape[2]),
                              static_cast<int>(layer->shape[3]), static_cast<int>(atlas.labels.size()),
                              options.top_k, bounded_range(layer->kind));
  }
  return atlas;
}

Status check_options(const ScanOptions& options) {
  if (options.shards < 1 || options.shard < 0 || options.shard >= options.shards) {
    return Error{"shard " + std::to_string(options.shard) + " of " + std::to_string(options.shards) +
                 " does not exist (shards are 0 .. count-1)"};
  }
  if (options.top_k < 1) return Error{"the number of top images must be at least 1"};
  if (options.batch_size < 1) return Error{"the batch size must be at least 1"};
  if (options.limit < 0) return Error{"the image limit cannot be negative"};
  return Done{};
}

// Runs the images of `indices` that can be read through the model,
// summarizing their maps on the way; `indices` keeps those, the others go
// to `skipped`. An empty result when none could be read.
Result<CaptureResult> capture_batch(const Model& model, const Dataset& dataset, std::vector<int64_t>& indices,
                                    const CaptureOptions& capture_options, std::vector<SkippedImage>& skipped) {
  std::vector<InputImage> inputs;
  std::vector<int64_t> readable;
  for (int64_t index : indices) {
    auto input = dataset.input(static_cast<size_t>(index), model.card());
    if (!input) {
      skipped.push_back({index, dataset.images[static_cast<size_t>(index)].name, input.error()});
      continue;
    }
    inputs.push_back(std::move(input).value());
    readable.push_back(index);
  }
  indices = std::move(readable);
  if (inputs.empty()) return CaptureResult{};
  return model.capture(inputs, capture_options);
}

// Adds each image's maps of a captured batch to its layer's statistics.
Status add_batch(const Model& model, const Dataset& dataset, const std::vector<int64_t>& indices,
                 const CaptureResult& captured, Atlas& atlas) {
  std::unordered_map<std::string, LayerStats*> by_name;
  for (LayerStats& layer : atlas.layers) by_name[layer.name] = &layer;
  std::vector<const std::string*> names;
  std::vector<int> classes;
  for (int64_t index : indices) {
    names.push_back(&dataset.images[static_cast<size_t>(index)].name);
    classes.push_back(dataset.images[static_cast<size_t>(index)].true_class);
  }
  for (const LayerActivation& activation : captured.activations) {
    auto found = by_name.find(activation.name);
    if (found == by_name.end()) continue;
    LayerStats& layer = *found->second;
    const int64_t per_image = layer.shape[0] * layer.shape[1] * layer.shape[2];
    if (activation.values.size() != per_image * static_cast<int64_t>(indices.size())) {
      return Error{model.path() + ": layer '" + layer.name + "' gave " + shape_string(activation.values.shape()) +
                   " for a batch of " + std::to_string(indices.size())};
    }
    const bool summarized = activation.summaries.size() == static_cast<size_t>(layer.shape[0]) * indices.size();
    layer.add_batch(activation.values.data(), indices, names, classes,
                    summarized ? activation.summaries.data() : nullptr);
  }
  return Done{};
}

}  // namespace

Result<DatasetScan> DatasetScan::start(const Model& model, const Dataset& dataset, const ScanOptions& options) {
  if (auto valid = check_options(options); !valid) return Error{valid.error()};
  auto layers = scanned_layers(model, options.layers);
  if (!layers) return Error{layers.error()};
  const auto available = static_cast<int64_t>(dataset.images.size());
  const int64_t total = options.limit > 0 ? std::min(options.limit, available) : available;
  DatasetScan scan(model, dataset);
  scan.atlas_ = empty_atlas(model, dataset, options, layers.value(), total);
  scan.atlas_.model_sha256 = model.sha256();
  for (int64_t i = 0; i < total; ++i) {
    if (in_shard(i, options.shard, options.shards)) scan.mine_.push_back(i);
  }
  scan.capture_options_.map_summaries = true;
  for (const LayerInfo* layer : layers.value()) scan.capture_options_.layers.push_back(layer->name);
  scan.batch_size_ = static_cast<size_t>(options.batch_size);
  return scan;
}

Result<bool> DatasetScan::step() {
  const size_t end = std::min(mine_.size(), next_ + batch_size_);
  std::vector<int64_t> batch(mine_.begin() + static_cast<std::ptrdiff_t>(next_),
                             mine_.begin() + static_cast<std::ptrdiff_t>(end));
  auto captured = capture_batch(*model_, *dataset_, batch, capture_options_, atlas_.skipped);
  if (!captured) return Error{captured.error()};
  if (!batch.empty()) {
    if (auto added = add_batch(*model_, *dataset_, batch, captured.value(), atlas_); !added) return Error{added.error()};
  }
  next_ = end;
  return next_ < mine_.size();
}

Result<Atlas> scan_dataset(const Model& model, const Dataset& dataset, const ScanOptions& options) {
  auto scan = DatasetScan::start(model, dataset, options);
  if (!scan) return Error{scan.error()};
  while (scan.value().done() < scan.value().total()) {
    auto more = scan.value().step();
    if (!more) return Error{more.error()};
    if (options.progress && !options.progress(scan.value().done(), scan.value().total())) return Error{"cancelled"};
  }
  return scan.value().take_atlas();
}

}  // namespace actscope
