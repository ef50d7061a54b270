#include "ui/controllers/visualize_job.h"

#include <algorithm>
#include <utility>

#include "core/model/model_card.h"

namespace actscope {

std::string model_identity(const Model& model) {
  return model.sha256() + "|" + input_description(model.card());
}

std::string visualization_key(const std::string& model_identity, const VisualizeOptions& options, int filter) {
  return model_identity + "|" + parameters_key(options) + "|filter=" + std::to_string(filter);
}

const FilterVisualization* VisualizationCache::find(const std::string& key) const {
  const auto found = images_.find(key);
  return found == images_.end() ? nullptr : &found->second;
}

void VisualizationCache::insert(const std::string& key, FilterVisualization visualization) {
  visualization.input = FloatArray();  // the picture and its objective are what is shown again
  if (images_.insert_or_assign(key, std::move(visualization)).second) order_.push_back(key);
  while (images_.size() > capacity_ && !order_.empty()) {
    images_.erase(order_.front());
    order_.pop_front();
  }
}

const char* const kGaveWay = "gave way to a waiting job";

namespace {

// Starts `paused`'s run when it has none, then advances it: true when its
// images are done, false when it stopped (gave way or was cancelled).
Result<bool> advance(const Model& model, const VisualizeOptions& options, PausedRun& paused,
                     const VisualizeProgress& progress) {
  if (!paused.run) {
    auto started = VisualizeRun::start(model, options);
    if (!started) return Error{started.error()};
    paused.run = std::move(started).value();
  }
  return paused.run->advance(progress);
}

}  // namespace

Result<FilterVisualization> visualize_filter(const Model& model, VisualizeOptions options, int filter,
                                             const VisualizeProgress& progress,
                                             const std::function<bool()>& give_way, PausedRun& paused) {
  options.filters = {filter};
  bool gave_way = false;
  auto done = advance(model, options, paused, [&](int64_t steps, int64_t total) {
    if (!progress(steps, total)) return false;
    gave_way = steps < total && give_way && give_way();
    return !gave_way;
  });
  if (!done || !done.value()) {
    if (!done || !gave_way) paused.run.reset();  // over: an error or cancelled
    return Error{!done ? done.error() : gave_way ? kGaveWay : "cancelled"};
  }
  auto images = paused.run->take_results();
  paused.run.reset();
  if (images.size() != 1) return Error{"the visualization returned no image"};
  return std::move(images.front());
}

std::optional<Result<int>> visualize_layer_slice(LayerVisualizationJob& job) {
  if (*job.cancel) return Result<int>(Error{"cancelled"});
  const std::vector<int>& filters = job.options.filters;
  if (job.next >= filters.size()) return Result<int>(static_cast<int>(filters.size()));
  const size_t batch = static_cast<size_t>(std::max(1, job.options.batch));
  const size_t first = job.next;
  const size_t last = std::min(filters.size(), first + batch);
  VisualizeOptions options = job.options;
  options.filters.assign(filters.begin() + static_cast<std::ptrdiff_t>(first),
                         filters.begin() + static_cast<std::ptrdiff_t>(last));
  const int64_t steps = job.options.steps;
  const int64_t total = static_cast<int64_t>((filters.size() + batch - 1) / batch) * steps;
  const int64_t before = static_cast<int64_t>(first / batch) * steps;
  bool gave_way = false;
  auto done = advance(*job.model, options, job.paused, [&job, &gave_way, before, total](int64_t step, int64_t all) {
    if (job.progress) job.progress(before + step, total);
    gave_way = step < all && job.give_way && job.give_way();
    return !*job.cancel && !gave_way;
  });
  if (done && !done.value() && gave_way && !*job.cancel) return std::nullopt;  // goes on after the waiting jobs
  if (!done || !done.value()) {
    job.paused.run.reset();
    return Result<int>(Error{!done ? done.error() : "cancelled"});
  }
  auto images = job.paused.run->take_results();
  job.paused.run.reset();
  job.next = last;
  job.batch_done(std::move(images));
  if (job.next < filters.size()) return std::nullopt;
  return Result<int>(static_cast<int>(filters.size()));
}

Result<TopImageObjective> top_image_objective(const Model& model, const VisualizeOptions& options, int filter,
                                              const std::string& dataset_path, const TopUnit& unit,
                                              AtlasDataset& holder) {
  if (holder.path != dataset_path || !holder.dataset) {
    auto opened = open_dataset(dataset_path, model.card());
    if (!opened) return Error{opened.error()};
    holder.dataset = std::make_shared<const Dataset>(std::move(opened).value());
    holder.path = dataset_path;
  }
  auto input = holder.dataset->input(static_cast<size_t>(unit.image), model.card());
  if (!input) return Error{input.error()};
  auto objective = objective_on_image(model, options, filter, input.value());
  if (!objective) return Error{objective.error()};
  return TopImageObjective{input.value().name, input.value().display, objective.value()};
}

}  // namespace actscope
