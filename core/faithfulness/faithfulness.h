// The faithfulness room: how far to believe a class activation map. Each
// metric removes (or keeps) the pixels a map calls important and watches the
// class score: RISE's deletion and insertion curves (Petsiuk et al. 2018),
// pytorch-grad-cam's confidence change when the input is multiplied by the
// map, and ROAD's most- and least-relevant-first removal with noisy linear
// imputation (Rong et al. 2022, road_imputer.h). Built on the explain room
// (the maps) and the model (the scores); faithfulness_run.h measures every
// method over many images. Torch-free.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/model/model.h"

namespace actscope {

// What a perturbed image is scored by: the class's softmax probability, or its logit.
enum class FaithfulnessScore { kProbability, kLogit };
std::string to_string(FaithfulnessScore score);
Result<FaithfulnessScore> parse_faithfulness_score(const std::string& name);

struct FaithfulnessOptions {
  FaithfulnessScore score = FaithfulnessScore::kProbability;
  // Pixels deleted (inserted) per step of the curves; 0: the input's width.
  int step = 0;
  // ROAD's imputation noise (standard deviation, in normalized input units); 0: none.
  double road_noise = 0.01;
  // Seeds ROAD's noise and the random baseline's maps (with each image's index).
  uint64_t seed = 0;
  // Perturbed images per forward pass.
  int batch_size = 64;
};

// The percentiles ROAD removes pixels at: 10, 20, ..., 90.
const std::vector<int>& road_percentiles();

// One map's metrics on one image.
struct MapFaithfulness {
  // Scores with the first min(i * step, H * W) pixels (by decreasing map
  // value) deleted (set to black) or inserted (into the blurred image), at
  // x = curve_x(i); the areas under them by the trapezoid rule.
  std::vector<double> deletion_curve;
  std::vector<double> insertion_curve;
  double deletion_auc = 0.0;
  double insertion_auc = 0.0;
  // pytorch-grad-cam's CamMultImageConfidenceChange: d = score(input * map) -
  // score(input); drop = max(0, -d), increase = 1 if d > 0 else 0.
  double drop_in_confidence = 0.0;
  double increase_in_confidence = 0.0;
  // ROAD: score after imputing minus score before, per percentile and averaged;
  // combined = (LeRF - MoRF) / 2.
  std::vector<double> road_morf_by_percentile;
  std::vector<double> road_lerf_by_percentile;
  double road_morf = 0.0;
  double road_lerf = 0.0;
  double road_combined = 0.0;
};

// One image as the metrics see it: the normalized input [C, H, W], the class
// scored, and what is needed to seed its noise and build its black and
// blurred versions.
struct FaithfulnessImage {
  const float* input = nullptr;  // C * H * W values, normalized as the model takes them
  int64_t channels = 0, height = 0, width = 0;
  int target_class = 0;
  int64_t index = 0;  // seeds ROAD's noise: the image's index in its dataset or list
};

// The x of curve point i: min(i * step, H * W) / (H * W); points i = 0 ..
// ceil(H * W / step).
std::vector<double> curve_x(int64_t pixels, int step);

// Measures each of `maps` (H * W values each, any range: only their order
// and, for the confidence change, their values count) on `image`: every
// perturbed image of every map goes through the model in batches of
// options.batch_size. The card gives the black pixel ((0 - mean) / std per
// channel). `progress`, when set, hears (done, total) perturbed images and
// cancels the run by returning false ("cancelled").
Result<std::vector<MapFaithfulness>> measure_maps(const Model& model, const FaithfulnessImage& image,
                                                  const std::vector<const float*>& maps,
                                                  const FaithfulnessOptions& options,
                                                  const std::function<bool(size_t, size_t)>& progress = {});

// The random baseline's map of image `index`: H * W values uniform on
// [0, 1), numpy.random.RandomState((seed + index) mod 2^32).random_sample((H, W)).
std::vector<float> random_map(uint64_t seed, int64_t index, int64_t height, int64_t width);

// numpy.percentile(values, p) (linear interpolation), as float32 as torch compares it.
float numpy_percentile(std::vector<float> values, int percentile);

}  // namespace actscope
