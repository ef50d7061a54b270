// The feature visualization's work on the engine worker (see
// VisualizeController): one filter's image, a layer's images a batch at a
// time, and the same objective on a filter's top image of the atlas'
// dataset; and the cache of finished images. No widgets.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/atlas/filter_stats.h"
#include "core/data/dataset.h"
#include "core/visualize/visualize.h"

namespace actscope {

// The model as its images depend on it: the digest of its file and what its
// card feeds it (input_description: size, channel order, mean and std; the
// card dialog can change them for the same file).
std::string model_identity(const Model& model);

// What names one filter's image: model_identity, every parameter that
// changes the image (parameters_key, the layer among them) and the filter.
std::string visualization_key(const std::string& model_identity, const VisualizeOptions& options, int filter);

// Finished images by visualization_key, the oldest forgotten past `capacity`
// (the model inputs are not kept: only the image and its objective). GUI
// thread only.
class VisualizationCache {
 public:
  explicit VisualizationCache(size_t capacity = 4096) : capacity_(capacity) {}
  // Null when absent.
  const FilterVisualization* find(const std::string& key) const;
  void insert(const std::string& key, FilterVisualization visualization);
  size_t size() const { return images_.size(); }

 private:
  size_t capacity_;
  std::map<std::string, FilterVisualization> images_;
  std::deque<std::string> order_;  // oldest first
};

// The error of a run that stopped to let a foreground job have the worker:
// it is submitted again with its PausedRun and goes on from the step it
// stopped at (the images are those of an uninterrupted run, to the bit).
extern const char* const kGaveWay;

// The state of a run between its slices on the worker: touched on the
// worker only (the GUI thread only passes it on to the next submission).
struct PausedRun {
  std::unique_ptr<VisualizeRun> run;
};

// One filter's image as `options` say (their filters ignored), started or
// continued in `paused`. Worker only; "cancelled" when `progress` returns
// false, kGaveWay when `give_way` (checked between steps, never after the
// last) returns true.
Result<FilterVisualization> visualize_filter(const Model& model, VisualizeOptions options, int filter,
                                             const VisualizeProgress& progress,
                                             const std::function<bool()>& give_way, PausedRun& paused);

// A layer's images a batch at a time: options.filters in batches of
// options.batch, each batch one call of visualize() (so a CAM or a capture
// waits for one batch at most).
struct LayerVisualizationJob {
  std::shared_ptr<const Model> model;
  VisualizeOptions options;  // the filters still to compute
  std::shared_ptr<const std::atomic<bool>> cancel;
  // Worker side; the caller posts them to the GUI thread: steps done of all
  // steps, and each finished batch.
  std::function<void(int64_t done, int64_t total)> progress;
  std::function<void(std::vector<FilterVisualization>)> batch_done;
  // True while a foreground job waits: the batch stops and goes on after it.
  std::function<bool()> give_way;
  size_t next = 0;   // the first filter of the batch under way
  PausedRun paused;  // that batch's run, between slices
};

// One batch of `job`. Nothing while filters remain; the number computed, or
// why the run stopped ("cancelled"), at the end.
std::optional<Result<int>> visualize_layer_slice(LayerVisualizationJob& job);

// The dataset an atlas was scanned over, opened once on the worker and
// kept for the next top image. Touched on the worker only.
struct AtlasDataset {
  std::string path;
  std::shared_ptr<const Dataset> dataset;
};

// A filter's top image of the atlas' dataset with the objective of
// `options` (for `filter`) on it.
struct TopImageObjective {
  std::string name;
  RgbImage image;  // what the model sees
  double objective = 0.0;
};

// Reads image `unit.image` of the dataset at `dataset_path` (through
// `holder`) and computes the objective on it. Worker only.
Result<TopImageObjective> top_image_objective(const Model& model, const VisualizeOptions& options, int filter,
                                              const std::string& dataset_path, const TopUnit& unit,
                                              AtlasDataset& holder);

}  // namespace actscope
