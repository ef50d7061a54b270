#include "core/similarity/timeline.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/atlas/filter_stats.h"
#include "core/model/layer_query.h"
#include "core/similarity/cka.h"
#include "core/similarity/gram.h"

namespace actscope {
namespace {

// What one checkpoint gathers over the pass.
struct CheckpointSums {
  std::vector<LayerStats> maps;     // the layers with maps, in the timeline's order of those
  std::vector<double> self;         // per layer: sum of HSIC(K, K)
  std::vector<double> to_final;     // per layer: sum of HSIC(K, K_final)
  int64_t labelled = 0;
  int64_t correct = 0;
};

}  // namespace

struct TimelineRun::State {
  std::vector<const Model*> models;
  const Dataset* dataset = nullptr;
  std::vector<std::string> layers;     // compared by CKA
  std::vector<bool> has_maps;          // per layer
  std::vector<CheckpointSums> sums;    // per checkpoint
  Timeline timeline;
  size_t batch = 64;
  size_t total = 0;
  size_t next = 0;
};

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end]))) ++i_end;
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end]))) ++j_end;
      // Compare as numbers: leading zeros off, then the longer is larger, then digit by digit.
      size_t i_start = i, j_start = j;
      while (i_start + 1 < i_end && a[i_start] == '0') ++i_start;
      while (j_start + 1 < j_end && b[j_start] == '0') ++j_start;
      const std::string x = a.substr(i_start, i_end - i_start), y = b.substr(j_start, j_end - j_start);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal but for leading zeros: a fixed order all the same
}

Result<std::vector<std::string>> checkpoint_files(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error) return Error{folder + ": cannot read the folder (" + error.message() + ")"};
  std::vector<std::string> names;
  for (const auto& entry : entries) {
    if (entry.path().extension() == ".pt" && entry.is_regular_file(error)) names.push_back(entry.path().filename().string());
  }
  if (names.empty()) return Error{folder + ": holds no TorchScript checkpoint (*.pt)"};
  std::sort(names.begin(), names.end(), natural_less);
  std::vector<std::string> paths;
  for (const std::string& name : names) paths.push_back((fs::path(folder) / name).string());
  return paths;
}

TimelineRun::TimelineRun(std::unique_ptr<State> state) : state_(std::move(state)) {}
TimelineRun::TimelineRun(TimelineRun&&) noexcept = default;
TimelineRun& TimelineRun::operator=(TimelineRun&&) noexcept = default;
TimelineRun::~TimelineRun() = default;
size_t TimelineRun::done() const { return state_->next; }
size_t TimelineRun::total() const { return state_->total; }

Result<TimelineRun> TimelineRun::start(std::vector<const Model*> checkpoints, const Dataset& dataset,
                                       const TimelineOptions& options) {
  if (checkpoints.empty()) return Error{"a timeline needs at least one checkpoint"};
  if (options.batch_size < 4) return Error{"the batch size must be at least 4 (the unbiased HSIC needs 4 images)"};
  if (options.limit < 0) return Error{"the image limit cannot be negative"};
  auto state = std::make_unique<State>();
  const Model& final_model = *checkpoints.back();
  state->layers = default_cka_layers(final_model);
  if (state->layers.empty()) return Error{final_model.path() + ": no layer to follow"};
  for (const Model* model : checkpoints) {
    for (const std::string& name : state->layers) {
      const LayerInfo* layer = model->find_layer(name);
      if (!layer || !layer->capturable || layer->shape != final_model.find_layer(name)->shape) {
        return Error{model->path() + ": has no layer '" + name + "' shaped as in the last checkpoint (" +
                     final_model.path() + "); a timeline follows checkpoints of one model"};
      }
    }
    if (!same_input(model->card(), final_model.card())) {
      return Error{model->path() + ": its card feeds it other inputs than the last checkpoint's card"};
    }
  }
  for (const std::string& name : state->layers) state->has_maps.push_back(has_spatial_maps(*final_model.find_layer(name)));
  state->models = std::move(checkpoints);
  state->dataset = &dataset;
  state->batch = static_cast<size_t>(options.batch_size);
  const size_t available = dataset.images.size();
  state->total = options.limit > 0 ? std::min(available, static_cast<size_t>(options.limit)) : available;
  Timeline& timeline = state->timeline;
  timeline.dataset_path = dataset.source;
  timeline.dataset_images = static_cast<int64_t>(state->total);
  timeline.limit = options.limit;
  timeline.batch_size = options.batch_size;
  timeline.dropped = static_cast<int64_t>(state->total % state->batch);
  for (const Model* model : state->models) {
    CheckpointSums sums;
    for (size_t l = 0; l < state->layers.size(); ++l) {
      if (!state->has_maps[l]) continue;
      const auto& shape = final_model.find_layer(state->layers[l])->shape;
      sums.maps.emplace_back(state->layers[l], static_cast<int>(shape[1]), static_cast<int>(shape[2]),
                             static_cast<int>(shape[3]), 0, 1, bounded_range(model->find_layer(state->layers[l])->kind));
    }
    sums.self.assign(state->layers.size(), 0.0);
    sums.to_final.assign(state->layers.size(), 0.0);
    state->sums.push_back(std::move(sums));
  }
  return TimelineRun(std::move(state));
}

namespace {

// Adds a checkpoint's captured batch to its filter statistics and accuracy.
Status add_to_sums(const Model& model, const CaptureResult& captured, const std::vector<int64_t>& images,
                   const std::vector<const std::string*>& names, const std::vector<int>& classes, CheckpointSums& sums) {
  for (LayerStats& layer : sums.maps) {
    auto found = std::find_if(captured.activations.begin(), captured.activations.end(),
                              [&](const LayerActivation& activation) { return activation.name == layer.name; });
    const int64_t per_image = layer.shape[0] * layer.shape[1] * layer.shape[2];
    if (found == captured.activations.end() || found->values.size() != per_image * static_cast<int64_t>(images.size())) {
      return Error{model.path() + ": layer '" + layer.name + "' gave no maps of the expected shape"};
    }
    const bool summarized = found->summaries.size() == static_cast<size_t>(layer.shape[0]) * images.size();
    layer.add_batch(found->values.data(), images, names, classes, summarized ? found->summaries.data() : nullptr);
  }
  const FloatArray& logits = captured.logits;
  if (logits.dim() != 2 || logits.shape()[0] != static_cast<int64_t>(images.size())) {
    return Error{model.path() + ": gave " + shape_string(logits.shape()) + " logits for a batch of " +
                 std::to_string(images.size())};
  }
  const int64_t count = logits.shape()[1];
  for (size_t n = 0; n < images.size(); ++n) {
    if (classes[n] < 0) continue;
    const float* row = logits.data() + static_cast<int64_t>(n) * count;
    const auto best = std::max_element(row, row + count) - row;
    sums.labelled += 1;
    sums.correct += best == classes[n] ? 1 : 0;
  }
  return Done{};
}

}  // namespace

Result<bool> TimelineRun::step() {
  State& s = *state_;
  const size_t end = std::min(s.total, s.next + s.batch);
  const bool whole = end - s.next == s.batch;
  std::vector<InputImage> inputs;
  std::vector<int64_t> images;
  std::vector<const std::string*> names;
  std::vector<int> classes;
  for (size_t i = s.next; i < end; ++i) {
    auto input = s.dataset->input(i, s.models.back()->card());
    if (!input) {
      s.timeline.skipped.push_back({static_cast<int64_t>(i), s.dataset->images[i].name, input.error()});
      continue;
    }
    inputs.push_back(std::move(input).value());
    images.push_back(static_cast<int64_t>(i));
    names.push_back(&s.dataset->images[i].name);
    classes.push_back(s.dataset->images[i].true_class);
  }
  s.next = end;
  if (inputs.empty()) return s.next < s.total;
  const bool cka = whole && inputs.size() >= 4;
  CaptureOptions capture;
  capture.layers = s.layers;
  capture.map_summaries = true;
  std::vector<std::vector<BatchGram>> grams;
  for (size_t c = 0; c < s.models.size(); ++c) {
    auto captured = s.models[c]->capture(inputs, capture);
    if (!captured) return Error{captured.error()};
    if (auto added = add_to_sums(*s.models[c], captured.value(), images, names, classes, s.sums[c]); !added) {
      return Error{added.error()};
    }
    if (!cka) continue;
    auto batch_grams = layer_grams(*s.models[c], captured.value(), s.layers, static_cast<int64_t>(inputs.size()));
    if (!batch_grams) return Error{batch_grams.error()};
    grams.push_back(std::move(batch_grams).value());
  }
  if (cka) {
    for (size_t c = 0; c < grams.size(); ++c) {
      for (size_t l = 0; l < s.layers.size(); ++l) {
        s.sums[c].self[l] += unbiased_hsic(grams[c][l], grams[c][l]);
        s.sums[c].to_final[l] += unbiased_hsic(grams[c][l], grams.back()[l]);
      }
    }
    s.timeline.images += static_cast<int64_t>(inputs.size());
  }
  return s.next < s.total;
}

Timeline TimelineRun::take() {
  State& s = *state_;
  Timeline timeline = std::move(s.timeline);
  const std::vector<double>& final_self = s.sums.back().self;
  for (size_t c = 0; c < s.models.size(); ++c) {
    const CheckpointSums& sums = s.sums[c];
    TimelineCheckpoint checkpoint;
    checkpoint.path = s.models[c]->path();
    checkpoint.sha256 = s.models[c]->sha256();
    checkpoint.accuracy = sums.labelled > 0 ? static_cast<double>(sums.correct) / static_cast<double>(sums.labelled) : NAN;
    size_t with_maps = 0;
    for (size_t l = 0; l < s.layers.size(); ++l) {
      TimelineLayer layer;
      layer.name = s.layers[l];
      layer.has_maps = s.has_maps[l];
      layer.dead_fraction = layer.rarely_active_fraction = NAN;
      if (layer.has_maps && sums.maps[with_maps].images > 0) {
        const LayerStats& stats = sums.maps[with_maps++];
        const LayerFlags flags = flags_of(stats);
        const auto filters = static_cast<double>(stats.filters.size());
        layer.dead_fraction = static_cast<double>(flags.dead.size()) / filters;
        layer.rarely_active_fraction = static_cast<double>(flags.rarely_active.size()) / filters;
      } else if (layer.has_maps) {
        ++with_maps;  // no image read: no fraction to give
      }
      const bool defined = sums.self[l] > 0 && final_self[l] > 0;
      layer.cka_to_final = defined ? sums.to_final[l] / std::sqrt(sums.self[l] * final_self[l]) : NAN;
      checkpoint.layers.push_back(layer);
    }
    timeline.checkpoints.push_back(std::move(checkpoint));
  }
  return timeline;
}

Result<Timeline> checkpoint_timeline(std::vector<const Model*> checkpoints, const Dataset& dataset,
                                     const TimelineOptions& options) {
  auto run = TimelineRun::start(std::move(checkpoints), dataset, options);
  if (!run) return Error{run.error()};
  while (run.value().done() < run.value().total()) {
    auto more = run.value().step();
    if (!more) return Error{more.error()};
    if (options.progress && !options.progress(run.value().done(), run.value().total())) return Error{"cancelled"};
  }
  return run.value().take();
}

}  // namespace actscope
