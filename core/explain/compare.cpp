#include "core/explain/compare.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/maps/layer_view.h"
#include "core/model/layer_query.h"

namespace actscope {
namespace {

Result<LayerMaps> maps_of(const FloatArray& values, int64_t image) {
  if (values.dim() == 0 || image < 0 || image >= values.shape()[0])
    return Error{"no image " + std::to_string(image) + " in the batch"};
  auto maps = layer_maps(values, image);
  if (!maps) return Error{"a layer with neither maps nor a vector cannot be compared"};
  return *maps;
}

// True when the filter shows nothing worth a brightness in its image:
// near-dead (core/maps/normalization.h) or exactly zero.
bool quiet(const FilterStats& stats) { return stats.near_dead || (stats.min == 0.0f && stats.max == 0.0f); }

// `maps` rescaled with a range per filter taken from `low`/`high`. A filter
// quiet in both images (near-dead in both, or near-dead in one and exactly
// zero in the other) stays all 0, as in the single-image grid: stretched to
// the shared range, its noise would look like a live filter.
void rescale(NormalizedMaps& maps, const float* raw, const std::vector<float>& low,
             const std::vector<float>& high, const std::vector<bool>& dead_in_both) {
  const size_t plane = static_cast<size_t>(maps.height) * maps.width;
  for (int f = 0; f < maps.count; ++f) {
    const float range = high[f] - low[f];
    const bool constant =
        dead_in_both[f] || !(range > 1e-12f * std::max(std::fabs(high[f]), std::fabs(low[f])));
    for (size_t i = 0; i < plane; ++i) {
      const float value = raw[f * plane + i];
      maps.values[f * plane + i] = constant || !std::isfinite(value) ? 0.0f : (value - low[f]) / range;
    }
  }
}

}  // namespace

Result<LayerComparison> compare_images(const Model& model, const InputImage& a, const InputImage& b,
                                       const std::string& layer) {
  auto captured_a = model.capture({a}, CaptureOptions{{layer}});
  if (!captured_a) return Error{captured_a.error()};
  auto captured_b = model.capture({b}, CaptureOptions{{layer}});
  if (!captured_b) return Error{captured_b.error()};
  auto comparison =
      compare_layer(captured_a.value().activations.at(0).values, captured_b.value().activations.at(0).values);
  if (!comparison) return Error{layer + ": " + comparison.error()};
  return comparison;
}

Result<LayerComparison> compare_layer(const FloatArray& a, const FloatArray& b, int64_t image_a,
                                      int64_t image_b) {
  auto maps_a = maps_of(a, image_a);
  if (!maps_a) return Error{maps_a.error()};
  auto maps_b = maps_of(b, image_b);
  if (!maps_b) return Error{maps_b.error()};
  const LayerMaps& ma = maps_a.value();
  const LayerMaps& mb = maps_b.value();
  if (ma.count != mb.count || ma.height != mb.height || ma.width != mb.width) {
    return Error{"the two images' outputs of the layer differ in shape"};
  }
  LayerComparison comparison;
  // Raw statistics per filter (min, max, mean) come with the filter normalization.
  comparison.a = normalize_maps(ma.data, ma.count, ma.height, ma.width, Normalization::kFilter);
  comparison.b = normalize_maps(mb.data, mb.count, mb.height, mb.width, Normalization::kFilter);
  std::vector<float> low(ma.count), high(ma.count);
  std::vector<bool> dead_in_both(ma.count);
  for (int f = 0; f < ma.count; ++f) {
    low[f] = std::min(comparison.a.stats[f].min, comparison.b.stats[f].min);
    high[f] = std::max(comparison.a.stats[f].max, comparison.b.stats[f].max);
    dead_in_both[f] = quiet(comparison.a.stats[f]) && quiet(comparison.b.stats[f]);
  }
  rescale(comparison.a, ma.data, low, high, dead_in_both);
  rescale(comparison.b, mb.data, low, high, dead_in_both);

  const size_t total = static_cast<size_t>(ma.count) * ma.height * ma.width;
  std::vector<float> difference(total);
  float scale = 0.0f;
  for (size_t i = 0; i < total; ++i) {
    difference[i] = ma.data[i] - mb.data[i];
    if (std::isfinite(difference[i])) scale = std::max(scale, std::fabs(difference[i]));
  }
  comparison.difference_scale = scale;
  comparison.difference =
      normalize_maps(difference.data(), ma.count, ma.height, ma.width, Normalization::kFilter);
  for (size_t i = 0; i < total; ++i) {
    comparison.difference.values[i] =
        scale > 0.0f && std::isfinite(difference[i]) ? 0.5f + 0.5f * difference[i] / scale : 0.5f;
  }
  for (int f = 0; f < ma.count; ++f) {
    const float mean_a = comparison.a.stats[f].mean;
    const float mean_b = comparison.b.stats[f].mean;
    comparison.ranking.push_back({f, mean_a, mean_b, mean_a - mean_b});
  }
  comparison.raw_difference = std::move(difference);
  std::stable_sort(comparison.ranking.begin(), comparison.ranking.end(), [](const auto& x, const auto& y) {
    return std::fabs(x.difference) > std::fabs(y.difference);
  });
  return comparison;
}

Result<size_t> propose_partner(const Model& model, const Dataset& dataset,
                               const std::vector<DatasetPrediction>& predictions, size_t index) {
  if (index >= dataset.images.size() || predictions.size() != dataset.images.size())
    return Error{"image " + std::to_string(index) + " is not in the predicted dataset"};
  const int true_class = predictions[index].true_class;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < predictions.size(); ++i) {
    if (i != index && predictions[i].true_class == true_class && predictions[i].predicted_class == true_class)
      candidates.push_back(i);
  }
  if (candidates.empty()) {
    return Error{dataset.source + ": no correctly classified image of class '" +
                 model.card().label(true_class) + "' to compare with"};
  }
  const std::string layer = penultimate_layer(model);
  if (layer.empty()) return Error{model.path() + ": no layer before the logits to compare features in"};
  CaptureOptions options;
  options.layers = {layer};
  auto features_of = [&](const std::vector<size_t>& indices) -> Result<FloatArray> {
    std::vector<InputImage> inputs;
    for (size_t i : indices) {
      auto input = dataset.input(i, model.card());
      if (!input) return Error{input.error()};
      inputs.push_back(std::move(input).value());
    }
    auto captured = model.capture(inputs, options);
    if (!captured) return Error{captured.error()};
    return captured.value().activations.at(0).values;
  };
  auto query = features_of({index});
  if (!query) return Error{query.error()};
  const int64_t size = query.value().size();
  size_t best = candidates.front();
  double best_distance = std::numeric_limits<double>::infinity();
  constexpr size_t kBatch = 256;
  for (size_t first = 0; first < candidates.size(); first += kBatch) {
    const std::vector<size_t> chunk(candidates.begin() + first,
                                    candidates.begin() + std::min(candidates.size(), first + kBatch));
    auto features = features_of(chunk);
    if (!features) return Error{features.error()};
    for (size_t c = 0; c < chunk.size(); ++c) {
      double distance = 0.0;
      const float* candidate = features.value().data() + c * size;
      for (int64_t k = 0; k < size; ++k) {
        const double d = static_cast<double>(candidate[k]) - query.value()[k];
        distance += d * d;
      }
      if (distance < best_distance) {
        best_distance = distance;
        best = chunk[c];
      }
    }
  }
  return best;
}

Result<ComparePair> load_compare_pair(const Model& model, const Dataset& dataset,
                                      const std::vector<DatasetPrediction>& predictions, size_t index) {
  ComparePair pair;
  std::vector<size_t> chosen = {index};
  auto partner = propose_partner(model, dataset, predictions, index);
  if (partner) {
    chosen.push_back(partner.value());
  } else {
    pair.note = partner.error();
  }
  auto images = load_dataset_images(model, dataset, chosen);
  if (!images) return Error{images.error()};
  pair.images = std::move(images).value();
  return pair;
}

}  // namespace actscope
