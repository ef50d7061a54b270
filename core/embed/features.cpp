#include "core/embed/features.h"

#include <algorithm>
#include <cmath>

#include "core/model/layer_query.h"

namespace actscope {

std::vector<float> layer_features(const FloatArray& values, int64_t count, bool flatten, int64_t& dims) {
  const int64_t per_image = count > 0 ? values.size() / count : 0;
  const auto& shape = values.shape();
  if (flatten || shape.size() != 4) {
    dims = per_image;
    return std::vector<float>(values.data(), values.data() + values.size());
  }
  const int64_t channels = shape[1];
  const int64_t area = shape[2] * shape[3];
  dims = channels;
  std::vector<float> pooled(static_cast<size_t>(count * channels));
  for (int64_t map = 0; map < count * channels; ++map) {
    const float* start = values.data() + map * area;
    double sum = 0.0;
    for (int64_t i = 0; i < area; ++i) sum += start[i];
    pooled[static_cast<size_t>(map)] = static_cast<float>(sum / static_cast<double>(area));
  }
  return pooled;
}

int64_t nearest_correct_row(const Features& f, int64_t row) {
  if (row < 0 || row >= f.rows || f.true_classes[static_cast<size_t>(row)] < 0) return -1;
  const int truth = f.true_classes[static_cast<size_t>(row)];
  const float* a = f.values.data() + row * f.dims;
  int64_t best = -1;
  double best_d2 = INFINITY;
  for (int64_t other = 0; other < f.rows; ++other) {
    const auto o = static_cast<size_t>(other);
    if (other == row || f.true_classes[o] != truth || f.predicted[o] != truth) continue;
    const float* b = f.values.data() + other * f.dims;
    double d2 = 0;
    for (int64_t d = 0; d < f.dims; ++d) d2 += static_cast<double>(a[d] - b[d]) * (a[d] - b[d]);
    if (d2 < best_d2) best_d2 = d2, best = other;
  }
  return best;
}

Result<FeatureCollection> FeatureCollection::start(const Model& model, const Dataset& dataset,
                                                   const FeatureOptions& options) {
  if (options.batch_size < 1) return Error{"the batch size must be at least 1"};
  if (options.limit < 0) return Error{"the image limit cannot be negative"};
  const std::string layer = options.layer.empty() ? penultimate_layer(model) : options.layer;
  if (layer.empty()) return Error{model.path() + ": no layer feeds the classifier; name one with --layer"};
  const LayerInfo* info = model.find_layer(layer);
  if (!info) return Error{unknown_layer_message(model, layer)};
  if (!info->capturable) return Error{model.path() + ": layer '" + layer + "' cannot be captured: " + info->not_capturable_reason};
  FeatureCollection collection(model, dataset);
  collection.features_.layer = layer;
  collection.flatten_ = options.flatten;
  collection.batch_size_ = static_cast<size_t>(options.batch_size);
  const size_t available = dataset.images.size();
  collection.total_ = options.limit > 0 ? std::min(available, static_cast<size_t>(options.limit)) : available;
  return collection;
}

Result<bool> FeatureCollection::step() {
  const size_t end = std::min(total_, next_ + batch_size_);
  std::vector<InputImage> inputs;
  std::vector<int64_t> readable;
  for (size_t index = next_; index < end; ++index) {
    auto input = dataset_->input(index, model_->card());
    if (!input) {
      features_.skipped.push_back(input.error());
      continue;
    }
    inputs.push_back(std::move(input).value());
    readable.push_back(static_cast<int64_t>(index));
  }
  next_ = end;
  if (inputs.empty()) return next_ < total_;
  CaptureOptions capture_options;
  capture_options.layers = {features_.layer};
  auto captured = model_->capture(inputs, capture_options);
  if (!captured) return Error{captured.error()};
  const CaptureResult& result = captured.value();
  if (result.activations.size() != 1) return Error{model_->path() + ": layer '" + features_.layer + "' gave no output"};
  const auto count = static_cast<int64_t>(inputs.size());
  const FloatArray& output = result.activations.front().values;
  if (output.dim() < 1 || output.shape()[0] != count || output.size() % count != 0 ||
      result.logits.dim() != 2 || result.logits.shape()[0] != count) {
    return Error{model_->path() + ": layer '" + features_.layer + "' gave " + shape_string(output.shape()) +
                 " for a batch of " + std::to_string(count) + ": not one row per image"};
  }
  int64_t dims = 0;
  std::vector<float> rows = layer_features(output, count, flatten_, dims);
  if (features_.rows > 0 && dims != features_.dims) {
    return Error{model_->path() + ": layer '" + features_.layer + "' changed size between batches"};
  }
  features_.dims = dims;
  features_.rows += count;
  features_.values.insert(features_.values.end(), rows.begin(), rows.end());
  const int64_t classes = result.logits.shape()[1];
  for (int64_t n = 0; n < count; ++n) {
    const auto index = static_cast<size_t>(readable[static_cast<size_t>(n)]);
    features_.indices.push_back(readable[static_cast<size_t>(n)]);
    features_.names.push_back(dataset_->images[index].name);
    features_.true_classes.push_back(dataset_->images[index].true_class);
    const float* logits = result.logits.data() + n * classes;
    std::vector<float> row(logits, logits + classes);
    const auto top = top_classes(row, 1);
    features_.predicted.push_back(top.empty() ? -1 : top.front().class_index);
    features_.confidence.push_back(top.empty() ? 0.0f : top.front().probability);
  }
  return next_ < total_;
}

Result<Features> collect_features(const Model& model, const Dataset& dataset, const FeatureOptions& options) {
  auto collection = FeatureCollection::start(model, dataset, options);
  if (!collection) return Error{collection.error()};
  while (collection.value().done() < collection.value().total()) {
    auto more = collection.value().step();
    if (!more) return Error{more.error()};
    if (options.progress && !options.progress(collection.value().done(), collection.value().total())) {
      return Error{"cancelled"};
    }
  }
  Features features = collection.value().take();
  if (features.rows == 0) return Error{dataset.source + ": no image could be read"};
  return features;
}

}  // namespace actscope
