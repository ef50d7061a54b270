// Faithfulness over many images: every requested CAM method's map (and the
// random baseline's) measured image by image (faithfulness.h), the
// population means and spreads of each metric, the mean curves, and the
// merge of runs split across a cluster. faithfulness_json.h writes and reads
// the file; faithfulness_plot.h draws it. Torch-free.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/explain/cam.h"
#include "core/faithfulness/faithfulness.h"

namespace actscope {

// The random baseline's name among the methods.
inline const char* const kRandomMethod = "random";

// The metrics, in the order files and tables show them: deletion_auc,
// insertion_auc, drop_in_confidence, increase_in_confidence, road_morf,
// road_lerf, road_combined.
const std::vector<std::string>& faithfulness_metrics();
double metric_value(const MapFaithfulness& measured, size_t metric);
// Whether a larger value of the metric speaks for the map (insertion AUC,
// increase in confidence, ROAD LeRF and combined) or a smaller one.
bool higher_is_better(size_t metric);

struct FaithfulnessRunOptions {
  // CAM method names (to_string(CamMethod)) and "random", measured in this order.
  std::vector<std::string> methods;
  // The CAM's layers, target class and Score-CAM batch (its method is ignored).
  CamOptions cam;
  FaithfulnessOptions metrics;
  // Keep each image's maps (ImageFaithfulness::maps), as measured.
  bool keep_maps = false;
};

// Every CAM method and then the random baseline.
std::vector<std::string> every_faithfulness_method();
// Checks the names ("gradcam", ..., "random"); an error names the unknown one.
Status check_faithfulness_methods(const std::vector<std::string>& methods);
// Leaves out of options.methods those that cannot be computed for this
// model and layer (the CAM of Zhou et al. needs a global-average-pool and
// linear head), tried on a blank input of the card's size; returns a note
// per method left out, saying why.
std::vector<std::string> drop_inapplicable_methods(const Model& model, FaithfulnessRunOptions& options);

struct ImageFaithfulness {
  int64_t position = 0;  // in the run's order of images (shards keep the whole run's)
  int64_t index = 0;     // in the dataset, or in the list of images
  std::string name;
  std::string stem;       // the name of its outputs (maps/<stem>/), unique in the run; may be empty
  int target_class = -1;  // the class scored
  int true_class = -1;    // -1 when unknown
  std::vector<MapFaithfulness> methods;  // in the run's methods' order
  // With keep_maps: each method's map, H * W values on [0, 1], in the same order.
  std::vector<std::vector<float>> maps;
};

// Measures a batch of images, each given with its position and index: the
// maps of every method computed for the whole batch, then every image's
// perturbed versions scored. `progress`, when set, hears (done, total)
// images of the batch and cancels by returning false ("cancelled").
Result<std::vector<ImageFaithfulness>> measure_images(const Model& model, const std::vector<InputImage>& images,
                                                      const std::vector<int64_t>& positions,
                                                      const std::vector<int64_t>& indices,
                                                      const FaithfulnessRunOptions& options,
                                                      const std::function<bool(size_t, size_t)>& progress = {});

struct MetricSummary {
  int64_t count = 0;
  double sum = 0.0;
  double mean = 0.0;
  double std = 0.0;  // of the population
};
struct MethodSummary {
  std::vector<MetricSummary> metrics;  // by faithfulness_metrics()
  std::vector<double> mean_deletion_curve;
  std::vector<double> mean_insertion_curve;
};

// A run (or a shard of one) as faithfulness.json holds it.
struct FaithfulnessRun {
  std::vector<std::string> methods;
  std::vector<std::string> layers;
  std::string target_class;  // as asked ("" for the predicted class)
  FaithfulnessOptions options;
  int step = 0;  // the step used
  std::vector<double> curve_x;
  std::string model_path;
  std::string model_sha256;
  std::string source;  // the dataset or list the images come from ("" for images named one by one)
  int64_t total = 0;   // images selected for the whole run (before sharding)
  int shard = 0;
  int shards = 1;
  std::vector<ImageFaithfulness> images;  // by position
  std::vector<std::string> skipped;       // images that could not be read, with why
  std::vector<std::string> notes;         // methods left out, and why
};

// Means and spreads over the run's images, in the order of the images'
// positions (a merged run gives what one run gives). One per method.
std::vector<MethodSummary> summarize(const FaithfulnessRun& run);

// The shards of one run, combined: the same settings, model and source, every
// shard of N once; images by position. Errors name what differs.
Result<FaithfulnessRun> merge_faithfulness(std::vector<FaithfulnessRun> shards);

// Measures `dataset`'s images `indices` (in that order; positions 0, 1, ...)
// in batches of `batch` images; an image that cannot be read is skipped and
// named in run.skipped. progress(done, total) images; false cancels.
Result<FaithfulnessRun> measure_dataset(const Model& model, const Dataset& dataset,
                                        const std::vector<int64_t>& indices, const FaithfulnessRunOptions& options,
                                        int batch, const std::function<bool(size_t, size_t)>& progress = {});

}  // namespace actscope
