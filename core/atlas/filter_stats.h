// The atlas room: what every filter does over a whole dataset. Here, the
// running statistics of one layer's filters, fed one image's maps at a time
// and merged across shards by adding counts and sums, so a scan's memory does
// not grow with the dataset and a split scan merges into what one run gives.
// The scan itself is scan.h, the file format atlas_json.h. Torch-free; a
// LayerStats is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/capture/map_summary.h"

namespace actscope {

// One of a filter's top images: where its map peaks.
struct TopUnit {
  int64_t image = 0;  // index in dataset order
  std::string name;   // the image's name ("t10k[42]", or its path)
  float value = 0.0f; // the map's maximum
  int y = 0, x = 0;   // the first position (row-major) holding it
};

// True when `a` ranks above `b`: larger value, then the lower image index.
bool ranks_above(const TopUnit& a, const TopUnit& b);

// The fixed edges of the per-image maximum histogram, the same in every run:
// 0, then ±10^(k/4) for k = -12 .. 16 (1e-3 .. 1e4), 58 edges and 59 bins;
// bin i holds values in [edge[i-1], edge[i]), the first and last bins are
// open-ended.
const std::vector<double>& histogram_edges();
int histogram_bin(double value);

// Running sums of one filter.
struct FilterSums {
  int64_t dead_images = 0;  // images whose map's maximum is <= 0
  double active_sum = 0.0;  // sum over images of the fraction of positions > 0
  double mean_sum = 0.0;    // sum over images of the map's mean
  float max = 0.0f;         // the largest value seen (valid once an image is added)
  int64_t saturated_positions = 0;  // positions within 1e-6 of a bound (bounded layers)
  std::vector<int64_t> histogram;   // of per-image maxima, histogram_edges() bins
  std::vector<double> class_sum;    // sum of map means of the images of each class
  std::vector<TopUnit> top;         // at most top_k, best first

  // Images added so far (the histogram counts each once).
  int64_t histogram_total() const;
};

// A layer's filters' statistics.
struct LayerStats {
  std::string name;
  std::vector<int64_t> shape;  // [C, H, W] of one image
  std::optional<std::pair<float, float>> bounds;  // output range of a bounded layer
  int top_k = 9;
  int64_t images = 0;
  std::vector<int64_t> class_images;  // images of each class
  std::vector<FilterSums> filters;

  // Empty statistics for `channels` filters of height x width maps and
  // `classes` classes (0: no labels).
  LayerStats(std::string name, int channels, int height, int width, int classes, int top_k,
             std::optional<std::pair<float, float>> bounds = std::nullopt);

  // Adds image `image` (`name`, of class `true_class`, -1 when unknown): its
  // maps, channels x height x width floats.
  void add_image(const float* maps, int64_t image, const std::string& name, int true_class);
  // Adds a batch: image b's maps start at maps + b * C * H * W; `images`,
  // `names` and `classes` give each one's index, name and class.
  // `summaries`, when not null, holds each map's summary (image b, filter c
  // at b * C + c) computed during the capture; the maps are then read only
  // where an image enters a top list. Otherwise the maps are summarized
  // here, on the engine's threads.
  void add_batch(const float* maps, const std::vector<int64_t>& images, const std::vector<const std::string*>& names,
                 const std::vector<int>& classes, const MapSummary* summaries = nullptr);
  // Adds another shard's statistics of the same layer (same shape, classes, K).
  void merge(const LayerStats& other);

 private:
  void add_map(size_t filter, const float* map, const MapSummary& summary, int64_t image, const std::string& name,
               int true_class);
};

// What the statistics say of one filter.
struct FilterSummary {
  double dead_fraction = 0.0;    // of images
  double active_fraction = 0.0;  // mean fraction of positions > 0
  double mean = 0.0;             // mean of the maps' means
  double saturated_fraction = 0.0;
  std::vector<double> class_mean;  // empty without labels
  int preferred_class = -1;
  // (mean of the preferred class - mean of the others' means) / (their sum),
  // Morcos et al. 2018; 0 when the sum is 0.
  double selectivity = 0.0;
};
FilterSummary summarize(const LayerStats& layer, int filter);

// The layer's flags, filter indices in ascending order.
struct LayerFlags {
  std::vector<int> dead;            // dead on every image
  std::vector<int> rarely_active;   // active (maximum > 0) on under 1% of images, not dead
  std::vector<int> always_on;       // positive at over 99% of positions
  std::vector<int> saturated;       // at a bound at over half of its positions
};
LayerFlags flags_of(const LayerStats& layer);

// What a filter does over the dataset, as the activation grid marks it.
struct DatasetMark {
  bool dead = false;           // never above 0 on any image
  bool rarely_active = false;  // above 0 on under 1% of the images (not dead)
  double dead_fraction = 0.0;  // of the images
  double active_fraction = 0.0;
};
// One per filter of `layer`, by filter index.
std::vector<DatasetMark> dataset_marks(const LayerStats& layer);
// The filters ordered for finding the idle ones: dead first, then rarely
// active, then by ascending active fraction; ties by filter index.
std::vector<int> idle_first_order(const std::vector<DatasetMark>& marks);

}  // namespace actscope
