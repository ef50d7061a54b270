#include "core/similarity/cka.h"

#include <algorithm>
#include <cmath>

#include "core/model/layer_query.h"

namespace actscope {
namespace {

Status check_options(const CkaOptions& options) {
  if (options.shards < 1 || options.shard < 0 || options.shard >= options.shards) {
    return Error{"shard " + std::to_string(options.shard) + " of " + std::to_string(options.shards) +
                 " does not exist (shards are 0 .. count-1)"};
  }
  if (options.batch_size < 4) return Error{"the batch size must be at least 4 (the unbiased HSIC needs 4 images)"};
  if (options.limit < 0) return Error{"the image limit cannot be negative"};
  return Done{};
}

// The images of `indices` that both models can read, as each model's card
// makes them; the others go to `skipped` and out of `indices`.
struct BatchInputs {
  std::vector<InputImage> a, b;
};
BatchInputs read_batch(const Model& a, const Model& b, const Dataset& dataset, std::vector<int64_t>& indices,
                       std::vector<SkippedImage>& skipped) {
  BatchInputs inputs;
  std::vector<int64_t> readable;
  for (int64_t index : indices) {
    const auto i = static_cast<size_t>(index);
    auto for_a = dataset.input(i, a.card());
    auto for_b = &a == &b ? for_a : dataset.input(i, b.card());
    if (!for_a || !for_b) {
      skipped.push_back({index, dataset.images[i].name, !for_a ? for_a.error() : for_b.error()});
      continue;
    }
    inputs.a.push_back(std::move(for_a).value());
    if (&a != &b) inputs.b.push_back(std::move(for_b).value());
    readable.push_back(index);
  }
  indices = std::move(readable);
  return inputs;
}

Result<std::vector<BatchGram>> grams_of(const Model& model, const std::vector<InputImage>& inputs,
                                        const std::vector<std::string>& layers) {
  CaptureOptions capture;
  capture.layers = layers;
  auto captured = model.capture(inputs, capture);
  if (!captured) return Error{captured.error()};
  return layer_grams(model, captured.value(), layers, static_cast<int64_t>(inputs.size()));
}

// Whether two runs are parts of one comparison; the difference otherwise.
std::string difference(const CkaRun& first, const CkaRun& other) {
  if (other.sha256_a != first.sha256_a || other.sha256_b != first.sha256_b) return "other model files";
  if (other.input_a != first.input_a || other.input_b != first.input_b) return "models fed other inputs";
  if (other.dataset_path != first.dataset_path || other.dataset_images != first.dataset_images ||
      other.limit != first.limit) {
    return "another dataset or limit";
  }
  if (other.batch_size != first.batch_size) return "another batch size";
  if (other.layers_a != first.layers_a || other.layers_b != first.layers_b) return "other layers";
  if (other.shards != first.shards) return "another number of shards";
  return "";
}

}  // namespace

std::vector<double> CkaRun::cka() const {
  std::vector<double> values(layers_a.size() * layers_b.size(), NAN);
  for (size_t i = 0; i < layers_a.size(); ++i) {
    for (size_t j = 0; j < layers_b.size(); ++j) {
      const double scale = sums.self_a[i] * sums.self_b[j];
      if (sums.self_a[i] > 0 && sums.self_b[j] > 0) {
        values[i * layers_b.size() + j] = sums.cross[i * layers_b.size() + j] / std::sqrt(scale);
      }
    }
  }
  return values;
}

std::vector<std::string> default_cka_layers(const Model& model) {
  std::vector<std::string> layers;
  for (const LayerInfo& layer : model.layers()) {
    if (has_spatial_maps(layer)) layers.push_back(layer.name);
  }
  const std::string last = penultimate_layer(model);
  if (!last.empty() && std::find(layers.begin(), layers.end(), last) == layers.end()) layers.push_back(last);
  return layers;
}

Status check_cka_layers(const Model& model, const std::vector<std::string>& layers) {
  if (layers.empty()) return Error{model.path() + ": no layer to compare"};
  for (const std::string& name : layers) {
    const LayerInfo* layer = model.find_layer(name);
    if (!layer) return Error{unknown_layer_message(model, name)};
    if (!layer->capturable) {
      return Error{model.path() + ": layer '" + name + "' cannot be captured: " + layer->not_capturable_reason};
    }
  }
  return Done{};
}

Result<std::vector<BatchGram>> layer_grams(const Model& model, const CaptureResult& captured,
                                           const std::vector<std::string>& layers, int64_t images) {
  std::vector<BatchGram> grams;
  for (const std::string& name : layers) {
    auto found = std::find_if(captured.activations.begin(), captured.activations.end(),
                              [&](const LayerActivation& activation) { return activation.name == name; });
    if (found == captured.activations.end()) return Error{model.path() + ": layer '" + name + "' gave no output"};
    const FloatArray& values = found->values;
    if (values.dim() < 1 || values.shape()[0] != images || values.size() % images != 0) {
      return Error{model.path() + ": layer '" + name + "' gave " + shape_string(values.shape()) + " for a batch of " +
                   std::to_string(images) + ": not one output per image"};
    }
    grams.push_back(batch_gram(values.data(), images, values.size() / images));
  }
  return grams;
}

Result<CkaComparison> CkaComparison::start(const Model& a, const Model& b, const Dataset& dataset,
                                           const CkaOptions& options) {
  if (auto valid = check_options(options); !valid) return Error{valid.error()};
  CkaComparison comparison(a, b, dataset);
  CkaRun& run = comparison.run_;
  run.layers_a = options.layers_a.empty() ? default_cka_layers(a) : options.layers_a;
  run.layers_b = options.layers_b.empty() ? default_cka_layers(b) : options.layers_b;
  if (auto known = check_cka_layers(a, run.layers_a); !known) return Error{known.error()};
  if (auto known = check_cka_layers(b, run.layers_b); !known) return Error{known.error()};
  run.model_a = a.path();
  run.model_b = b.path();
  run.sha256_a = a.sha256();
  run.sha256_b = b.sha256();
  run.input_a = input_description(a.card());
  run.input_b = input_description(b.card());
  run.dataset_path = dataset.source;
  const auto available = static_cast<int64_t>(dataset.images.size());
  run.dataset_images = options.limit > 0 ? std::min(options.limit, available) : available;
  run.limit = options.limit;
  run.batch_size = options.batch_size;
  run.shard = options.shard;
  run.shards = options.shards;
  run.dropped = run.dataset_images % options.batch_size;
  if (run.dataset_images < options.batch_size) {
    return Error{dataset.source + ": " + std::to_string(run.dataset_images) + " images make no batch of " +
                 std::to_string(options.batch_size) + "; give a smaller batch size or more images"};
  }
  run.sums.cross.assign(run.layers_a.size() * run.layers_b.size(), 0.0);
  run.sums.self_a.assign(run.layers_a.size(), 0.0);
  run.sums.self_b.assign(run.layers_b.size(), 0.0);
  for (int64_t batch = 0; batch < run.dataset_images / options.batch_size; ++batch) {
    if (batch % options.shards == options.shard) comparison.mine_.push_back(batch);
  }
  return comparison;
}

Result<bool> CkaComparison::step() {
  if (next_ >= mine_.size()) return false;
  const int64_t first = mine_[next_] * run_.batch_size;
  std::vector<int64_t> indices;
  for (int64_t i = first; i < first + run_.batch_size; ++i) indices.push_back(i);
  ++next_;
  BatchInputs inputs = read_batch(*a_, *b_, *dataset_, indices, run_.skipped);
  if (indices.size() < 4) return next_ < mine_.size();  // too few readable images to estimate with
  auto grams_a = grams_of(*a_, inputs.a, run_.layers_a);
  if (!grams_a) return Error{grams_a.error()};
  const bool same = a_ == b_ && run_.layers_a == run_.layers_b;
  Result<std::vector<BatchGram>> grams_b = same ? grams_a : grams_of(*b_, a_ == b_ ? inputs.a : inputs.b, run_.layers_b);
  if (!grams_b) return Error{grams_b.error()};
  const auto& ka = grams_a.value();
  const auto& kb = grams_b.value();
  for (size_t i = 0; i < ka.size(); ++i) run_.sums.self_a[i] += unbiased_hsic(ka[i], ka[i]);
  for (size_t j = 0; j < kb.size(); ++j) run_.sums.self_b[j] += unbiased_hsic(kb[j], kb[j]);
  for (size_t i = 0; i < ka.size(); ++i) {
    for (size_t j = 0; j < kb.size(); ++j) run_.sums.cross[i * kb.size() + j] += unbiased_hsic(ka[i], kb[j]);
  }
  run_.batches += 1;
  run_.images += static_cast<int64_t>(indices.size());
  return next_ < mine_.size();
}

Result<CkaRun> compare_models(const Model& a, const Model& b, const Dataset& dataset, const CkaOptions& options) {
  auto comparison = CkaComparison::start(a, b, dataset, options);
  if (!comparison) return Error{comparison.error()};
  while (comparison.value().done() < comparison.value().total()) {
    auto more = comparison.value().step();
    if (!more) return Error{more.error()};
    if (options.progress && !options.progress(comparison.value().done(), comparison.value().total())) {
      return Error{"cancelled"};
    }
  }
  return comparison.value().take();
}

Result<CkaRun> merge_cka(const std::vector<CkaRun>& shards) {
  if (shards.empty()) return Error{"no CKA shard to merge"};
  const CkaRun& first = shards.front();
  std::vector<const CkaRun*> by_index(static_cast<size_t>(std::max(first.shards, 1)), nullptr);
  for (const CkaRun& shard : shards) {
    if (const std::string why = difference(first, shard); !why.empty()) {
      return Error{"CKA shard " + std::to_string(shard.shard) + " is of another comparison (" + why + ")"};
    }
    if (shard.shard < 0 || shard.shard >= first.shards) return Error{"CKA shard index out of range"};
    if (by_index[static_cast<size_t>(shard.shard)]) {
      return Error{"CKA shard " + std::to_string(shard.shard) + " of " + std::to_string(first.shards) + " given twice"};
    }
    by_index[static_cast<size_t>(shard.shard)] = &shard;
  }
  for (size_t k = 0; k < by_index.size(); ++k) {
    if (!by_index[k]) return Error{"CKA shard " + std::to_string(k) + " of " + std::to_string(first.shards) + " is missing"};
  }
  CkaRun merged = *by_index.front();
  merged.shard = 0;
  merged.shards = 1;
  for (size_t k = 1; k < by_index.size(); ++k) {
    const CkaRun& part = *by_index[k];
    for (size_t i = 0; i < merged.sums.cross.size(); ++i) merged.sums.cross[i] += part.sums.cross[i];
    for (size_t i = 0; i < merged.sums.self_a.size(); ++i) merged.sums.self_a[i] += part.sums.self_a[i];
    for (size_t i = 0; i < merged.sums.self_b.size(); ++i) merged.sums.self_b[i] += part.sums.self_b[i];
    merged.batches += part.batches;
    merged.images += part.images;
    merged.skipped.insert(merged.skipped.end(), part.skipped.begin(), part.skipped.end());
  }
  std::sort(merged.skipped.begin(), merged.skipped.end(),
            [](const SkippedImage& x, const SkippedImage& y) { return x.index < y.index; });
  return merged;
}

}  // namespace actscope
