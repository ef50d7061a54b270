#include "core/faithfulness/faithfulness_run.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace actscope {
namespace {

FloatArray batch_of(const std::vector<InputImage>& images, const ModelCard& card) {
  const int64_t channels = card.channels, height = card.height, width = card.width;
  std::vector<float> values;
  values.reserve(images.size() * static_cast<size_t>(channels * height * width));
  for (const InputImage& image : images) values.insert(values.end(), image.tensor.begin(), image.tensor.end());
  return FloatArray({static_cast<int64_t>(images.size()), channels, height, width}, std::move(values));
}

// The class each image is scored for: the one asked, else the predicted one.
Result<std::vector<int>> target_classes(const Model& model, const FloatArray& batch, const CamOptions& cam) {
  const int64_t count = batch.shape()[0];
  if (cam.target_class) return std::vector<int>(static_cast<size_t>(count), *cam.target_class);
  auto logits = model.logits(batch);
  if (!logits) return Error{logits.error()};
  const int64_t classes = logits.value().shape()[1];
  std::vector<int> predicted;
  for (int64_t n = 0; n < count; ++n) {
    const float* row = logits.value().data() + n * classes;
    predicted.push_back(static_cast<int>(std::max_element(row, row + classes) - row));
  }
  return predicted;
}

// Each method's maps of the batch, [N, H, W] each.
Result<std::vector<FloatArray>> method_maps(const Model& model, const FloatArray& batch, const std::vector<int64_t>& indices,
                                            const FaithfulnessRunOptions& options, std::vector<int>& classes) {
  const auto& shape = batch.shape();
  std::vector<FloatArray> maps;
  for (const std::string& name : options.methods) {
    if (name == kRandomMethod) {
      std::vector<float> values;
      for (int64_t index : indices) {
        const auto map = random_map(options.metrics.seed, index, shape[2], shape[3]);
        values.insert(values.end(), map.begin(), map.end());
      }
      maps.emplace_back(std::vector<int64_t>{shape[0], shape[2], shape[3]}, std::move(values));
      continue;
    }
    auto method = parse_cam_method(name);
    if (!method) return Error{method.error()};
    CamOptions cam = options.cam;
    cam.method = method.value();
    auto result = compute_cam(model, batch, cam);
    if (!result) return Error{name + ": " + result.error()};
    if (classes.empty()) classes = result.value().classes;
    maps.push_back(result.value().map);
  }
  if (classes.empty()) {
    auto targets = target_classes(model, batch, options.cam);
    if (!targets) return Error{targets.error()};
    classes = std::move(targets).value();
  }
  return maps;
}

MetricSummary summary_of(const std::vector<double>& values) {
  MetricSummary summary;
  summary.count = static_cast<int64_t>(values.size());
  for (double value : values) summary.sum += value;
  if (values.empty()) return summary;
  summary.mean = summary.sum / static_cast<double>(values.size());
  double squares = 0.0;
  for (double value : values) squares += (value - summary.mean) * (value - summary.mean);
  summary.std = std::sqrt(squares / static_cast<double>(values.size()));
  return summary;
}

std::vector<double> mean_curve(const std::vector<ImageFaithfulness>& images, size_t method, bool deletion) {
  std::vector<double> mean;
  for (const ImageFaithfulness& image : images) {
    const auto& curve = deletion ? image.methods[method].deletion_curve : image.methods[method].insertion_curve;
    if (mean.empty()) mean.assign(curve.size(), 0.0);
    if (curve.size() != mean.size()) return {};
    for (size_t i = 0; i < curve.size(); ++i) mean[i] += curve[i];
  }
  for (double& value : mean) value /= static_cast<double>(images.size());
  return mean;
}

// What every shard of one run must share, or "" when `a` and `b` do.
std::string difference(const FaithfulnessRun& a, const FaithfulnessRun& b) {
  if (a.methods != b.methods) return "other methods";
  if (a.layers != b.layers) return "other layers";
  if (a.target_class != b.target_class) return "another class";
  if (a.options.score != b.options.score) return "another score";
  if (a.step != b.step) return "another step";
  if (a.options.road_noise != b.options.road_noise) return "another ROAD noise";
  if (a.options.seed != b.options.seed) return "another seed";
  if (a.model_sha256 != b.model_sha256) return "another model";
  if (a.source != b.source || a.total != b.total) return "other images";
  if (a.shards != b.shards) return "another number of shards";
  return "";
}

}  // namespace

const std::vector<std::string>& faithfulness_metrics() {
  static const std::vector<std::string> metrics{"deletion_auc", "insertion_auc", "drop_in_confidence",
                                                "increase_in_confidence", "road_morf", "road_lerf", "road_combined"};
  return metrics;
}

double metric_value(const MapFaithfulness& measured, size_t metric) {
  switch (metric) {
    case 0: return measured.deletion_auc;
    case 1: return measured.insertion_auc;
    case 2: return measured.drop_in_confidence;
    case 3: return measured.increase_in_confidence;
    case 4: return measured.road_morf;
    case 5: return measured.road_lerf;
    default: return measured.road_combined;
  }
}

bool higher_is_better(size_t metric) { return metric == 1 || metric == 3 || metric == 5 || metric == 6; }

std::vector<std::string> every_faithfulness_method() {
  std::vector<std::string> methods;
  for (CamMethod method : all_cam_methods()) methods.push_back(to_string(method));
  methods.push_back(kRandomMethod);
  return methods;
}

Status check_faithfulness_methods(const std::vector<std::string>& methods) {
  std::set<std::string> seen;
  for (const std::string& name : methods) {
    if (name != kRandomMethod) {
      if (auto method = parse_cam_method(name); !method) return Error{method.error() + ", or random"};
    }
    if (!seen.insert(name).second) return Error{"method '" + name + "' given twice"};
  }
  if (methods.empty()) return Error{"no method to measure"};
  return Done{};
}

std::vector<std::string> drop_inapplicable_methods(const Model& model, FaithfulnessRunOptions& options) {
  const ModelCard& card = model.card();
  const FloatArray blank({1, card.channels, card.height, card.width},
                         std::vector<float>(static_cast<size_t>(card.channels) * card.height * card.width, 0.0f));
  std::vector<std::string> kept, notes;
  for (const std::string& name : options.methods) {
    auto method = parse_cam_method(name);
    if (method && method.value() == CamMethod::kCam) {
      CamOptions cam = options.cam;
      cam.method = method.value();
      cam.progress = {};
      if (auto tried = compute_cam(model, blank, cam); !tried) {
        notes.push_back(name + " left out: " + tried.error());
        continue;
      }
    }
    kept.push_back(name);
  }
  options.methods = std::move(kept);
  return notes;
}

Result<std::vector<ImageFaithfulness>> measure_images(const Model& model, const std::vector<InputImage>& images,
                                                      const std::vector<int64_t>& positions,
                                                      const std::vector<int64_t>& indices,
                                                      const FaithfulnessRunOptions& options,
                                                      const std::function<bool(size_t, size_t)>& progress) {
  if (images.empty()) return std::vector<ImageFaithfulness>{};
  const FloatArray batch = batch_of(images, model.card());
  std::vector<int> classes;
  auto maps = method_maps(model, batch, indices, options, classes);
  if (!maps) return Error{maps.error()};
  const auto& shape = batch.shape();
  const int64_t plane = shape[2] * shape[3];
  std::vector<ImageFaithfulness> measured;
  for (size_t n = 0; n < images.size(); ++n) {
    FaithfulnessImage image;
    image.input = batch.data() + static_cast<int64_t>(n) * shape[1] * plane;
    image.channels = shape[1];
    image.height = shape[2];
    image.width = shape[3];
    image.target_class = classes[n];
    image.index = indices[n];
    std::vector<const float*> pointers;
    for (const FloatArray& map : maps.value()) pointers.push_back(map.data() + static_cast<int64_t>(n) * plane);
    // Cancelling (progress answering false) also stops between an image's perturbed batches.
    const auto keep_going = [&progress, n, count = images.size()](size_t, size_t) {
      return !progress || progress(n, count);
    };
    auto metrics = measure_maps(model, image, pointers, options.metrics, keep_going);
    if (!metrics) return Error{images[n].name + ": " + metrics.error()};
    ImageFaithfulness entry;
    entry.position = positions[n];
    entry.index = indices[n];
    entry.name = images[n].name;
    entry.target_class = classes[n];
    entry.methods = std::move(metrics).value();
    if (options.keep_maps) {
      for (const float* map : pointers) entry.maps.emplace_back(map, map + plane);
    }
    measured.push_back(std::move(entry));
    if (progress && !progress(n + 1, images.size())) return Error{"cancelled"};
  }
  return measured;
}

std::vector<MethodSummary> summarize(const FaithfulnessRun& run) {
  std::vector<MethodSummary> summaries(run.methods.size());
  for (size_t m = 0; m < run.methods.size(); ++m) {
    for (size_t metric = 0; metric < faithfulness_metrics().size(); ++metric) {
      std::vector<double> values;
      for (const ImageFaithfulness& image : run.images) values.push_back(metric_value(image.methods[m], metric));
      summaries[m].metrics.push_back(summary_of(values));
    }
    if (run.images.empty()) continue;
    summaries[m].mean_deletion_curve = mean_curve(run.images, m, true);
    summaries[m].mean_insertion_curve = mean_curve(run.images, m, false);
  }
  return summaries;
}

Result<FaithfulnessRun> merge_faithfulness(std::vector<FaithfulnessRun> shards) {
  if (shards.empty()) return Error{"no faithfulness file to merge"};
  FaithfulnessRun merged = shards.front();
  merged.images.clear();
  merged.skipped.clear();
  std::set<int> seen;
  for (FaithfulnessRun& shard : shards) {
    if (const std::string differs = difference(merged, shard); !differs.empty()) {
      return Error{"shard " + std::to_string(shard.shard) + " of " + std::to_string(shard.shards) +
                   " was measured with " + differs + " than shard " + std::to_string(merged.shard)};
    }
    if (!seen.insert(shard.shard).second) return Error{"shard " + std::to_string(shard.shard) + " given twice"};
    for (ImageFaithfulness& image : shard.images) merged.images.push_back(std::move(image));
    merged.skipped.insert(merged.skipped.end(), shard.skipped.begin(), shard.skipped.end());
    for (const std::string& note : shard.notes) {
      if (std::find(merged.notes.begin(), merged.notes.end(), note) == merged.notes.end()) merged.notes.push_back(note);
    }
  }
  if (static_cast<int>(seen.size()) != merged.shards) {
    return Error{std::to_string(seen.size()) + " of " + std::to_string(merged.shards) + " shards given"};
  }
  std::sort(merged.images.begin(), merged.images.end(),
            [](const ImageFaithfulness& a, const ImageFaithfulness& b) { return a.position < b.position; });
  merged.shard = 0;
  merged.shards = 1;
  return merged;
}

Result<FaithfulnessRun> measure_dataset(const Model& model, const Dataset& dataset,
                                        const std::vector<int64_t>& indices, const FaithfulnessRunOptions& options,
                                        int batch, const std::function<bool(size_t, size_t)>& progress) {
  FaithfulnessRun run;
  run.methods = options.methods;
  run.layers = options.cam.layers;
  run.options = options.metrics;
  run.step = options.metrics.step > 0 ? options.metrics.step : model.card().width;
  run.curve_x = curve_x(static_cast<int64_t>(model.card().height) * model.card().width, run.step);
  run.model_path = model.path();
  run.source = dataset.source;
  run.total = static_cast<int64_t>(indices.size());
  const auto size = static_cast<size_t>(std::max(1, batch));
  for (size_t first = 0; first < indices.size(); first += size) {
    std::vector<InputImage> images;
    std::vector<int64_t> positions, chosen;
    std::vector<int> truths;
    for (size_t k = first; k < std::min(indices.size(), first + size); ++k) {
      const auto index = static_cast<size_t>(indices[k]);
      auto image = dataset.input(index, model.card());
      if (!image) {
        run.skipped.push_back(image.error());
        continue;
      }
      images.push_back(std::move(image).value());
      positions.push_back(static_cast<int64_t>(k));
      chosen.push_back(indices[k]);
      truths.push_back(dataset.images[index].true_class);
    }
    auto measured = measure_images(model, images, positions, chosen, options);
    if (!measured) return Error{measured.error()};
    for (size_t n = 0; n < measured.value().size(); ++n) {
      measured.value()[n].true_class = truths[n];
      run.images.push_back(std::move(measured.value()[n]));
    }
    if (progress && !progress(std::min(indices.size(), first + size), indices.size())) return Error{"cancelled"};
  }
  return run;
}

}  // namespace actscope
