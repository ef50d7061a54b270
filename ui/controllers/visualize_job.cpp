#include "ui/controllers/visualize_job.h"

#include <algorithm>
#include <utility>

namespace actscope {

std::string visualization_key(const std::string& model_sha256, const VisualizeOptions& options, int filter) {
  return model_sha256 + "|" + parameters_key(options) + "|filter=" + std::to_string(filter);
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

Result<FilterVisualization> visualize_filter(const Model& model, VisualizeOptions options, int filter,
                                             const VisualizeProgress& progress,
                                             const std::function<bool()>& give_way) {
  options.filters = {filter};
  bool gave_way = false;
  auto images = visualize(model, options, [&](int64_t done, int64_t total) {
    gave_way = give_way && give_way();
    return !gave_way && progress(done, total);
  });
  if (gave_way) return Error{kGaveWay};
  if (!images) return Error{images.error()};
  if (images.value().size() != 1) return Error{"the visualization returned no image"};
  return std::move(images.value().front());
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
  auto images = visualize(*job.model, options, [&job, &gave_way, before, total](int64_t done, int64_t) {
    if (job.progress) job.progress(before + done, total);
    gave_way = job.give_way && job.give_way();
    return !*job.cancel && !gave_way;
  });
  if (gave_way && !*job.cancel) return std::nullopt;  // the same batch again, after the waiting jobs
  if (!images) return Result<int>(Error{images.error()});
  job.next = last;
  job.batch_done(std::move(images).value());
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
