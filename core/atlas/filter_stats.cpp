#include "core/atlas/filter_stats.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

namespace actscope {
namespace {

constexpr double kBoundTolerance = 1e-6;

std::vector<double> make_edges() {
  std::vector<double> positive;
  for (int k = -12; k <= 16; ++k) positive.push_back(std::pow(10.0, k / 4.0));
  std::vector<double> edges;
  for (auto it = positive.rbegin(); it != positive.rend(); ++it) edges.push_back(-*it);
  edges.push_back(0.0);
  edges.insert(edges.end(), positive.begin(), positive.end());
  return edges;
}

void insert_top(std::vector<TopUnit>& top, TopUnit unit, int top_k) {
  if (static_cast<int>(top.size()) == top_k && !ranks_above(unit, top.back())) return;
  top.insert(std::upper_bound(top.begin(), top.end(), unit, ranks_above), std::move(unit));
  if (static_cast<int>(top.size()) > top_k) top.pop_back();
}

struct MapSummary {
  float maximum;
  int64_t positive;
  double total;
};

// The maximum, the number of positive values and the sum of a map in one
// pass, in eight independent lanes the compiler turns into vector code (a
// single running sum would wait on each addition). Lanes sum in float over
// at most a few thousand values, then in double.
MapSummary summarize_map(const float* map, int64_t count) {
  constexpr int kLanes = 8;
  float maxima[kLanes], sums[kLanes] = {};
  int32_t positives[kLanes] = {};
  for (float& lane : maxima) lane = map[0];
  int64_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const float value = map[i + k];
      maxima[k] = value > maxima[k] ? value : maxima[k];
      sums[k] += value;
      positives[k] += value > 0.0f;
    }
  }
  MapSummary summary{maxima[0], 0, 0.0};
  for (int k = 0; k < kLanes; ++k) {
    summary.maximum = std::max(summary.maximum, maxima[k]);
    summary.total += sums[k];
    summary.positive += positives[k];
  }
  for (; i < count; ++i) {
    summary.maximum = std::max(summary.maximum, map[i]);
    summary.total += map[i];
    summary.positive += map[i] > 0.0f;
  }
  return summary;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

int64_t FilterSums::histogram_total() const {
  int64_t total = 0;
  for (int64_t count : histogram) total += count;
  return total;
}

bool ranks_above(const TopUnit& a, const TopUnit& b) {
  if (a.value != b.value) return a.value > b.value;
  return a.image < b.image;
}

const std::vector<double>& histogram_edges() {
  static const std::vector<double> edges = make_edges();
  return edges;
}

int histogram_bin(double value) {
  const auto& edges = histogram_edges();
  return static_cast<int>(std::upper_bound(edges.begin(), edges.end(), value) - edges.begin());
}

LayerStats::LayerStats(std::string layer_name, int channels, int height, int width, int classes,
                       int k, std::optional<std::pair<float, float>> range)
    : name(std::move(layer_name)),
      shape{channels, height, width},
      bounds(range),
      top_k(k),
      class_images(static_cast<size_t>(classes), 0),
      filters(static_cast<size_t>(channels)) {
  for (auto& filter : filters) {
    filter.histogram.assign(histogram_edges().size() + 1, 0);
    filter.class_sum.assign(static_cast<size_t>(classes), 0.0);
  }
}

void LayerStats::add_image(const float* maps, int64_t image, const std::string& image_name, int true_class) {
  add_batch(maps, {image}, {&image_name}, {true_class});
}

void LayerStats::add_batch(const float* maps, const std::vector<int64_t>& batch_images,
                           const std::vector<const std::string*>& names, const std::vector<int>& classes) {
  const int64_t positions = shape[1] * shape[2];
  const int64_t per_image = shape[0] * positions;
  const auto count = static_cast<int64_t>(batch_images.size());
  // Filters are independent: spread them over the engine's OpenMP threads,
  // each taking its images in order.
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t c = 0; c < shape[0]; ++c) {
    for (int64_t b = 0; b < count; ++b) {
      add_map(static_cast<size_t>(c), maps + b * per_image + c * positions, batch_images[b], *names[b], classes[b]);
    }
  }
  for (int64_t b = 0; b < count; ++b) {
    if (classes[b] >= 0 && classes[b] < static_cast<int>(class_images.size())) ++class_images[classes[b]];
  }
  images += count;
}

void LayerStats::add_map(size_t filter, const float* map, int64_t image, const std::string& image_name,
                         int true_class) {
  const int64_t positions = shape[1] * shape[2];
  FilterSums& sums = filters[filter];
  const MapSummary summary = summarize_map(map, positions);
  const float maximum = summary.maximum;
  const int64_t positive = summary.positive;
  const double total = summary.total;
  if (bounds) {
    int64_t saturated = 0;
    for (int64_t i = 0; i < positions; ++i) {
      saturated += std::fabs(map[i] - bounds->first) <= kBoundTolerance ||
                   std::fabs(map[i] - bounds->second) <= kBoundTolerance;
    }
    sums.saturated_positions += saturated;
  }
  const double mean = total / static_cast<double>(positions);
  const bool first = sums.top.empty();  // every image gets a top entry until there are top_k
  sums.dead_images += maximum <= 0.0f;
  sums.active_sum += static_cast<double>(positive) / static_cast<double>(positions);
  sums.mean_sum += mean;
  sums.max = first ? maximum : std::max(sums.max, maximum);
  ++sums.histogram[static_cast<size_t>(histogram_bin(maximum))];
  if (true_class >= 0 && true_class < static_cast<int>(sums.class_sum.size())) sums.class_sum[true_class] += mean;
  const TopUnit candidate{image, std::string(), maximum, 0, 0};
  if (static_cast<int>(sums.top.size()) == top_k && !ranks_above(candidate, sums.top.back())) return;
  // Only an image that enters the top list needs its peak's position (the first, row-major).
  const int64_t peak = std::find(map, map + positions, maximum) - map;
  insert_top(sums.top,
             TopUnit{image, image_name, maximum, static_cast<int>(peak / shape[2]), static_cast<int>(peak % shape[2])},
             top_k);
}

void LayerStats::merge(const LayerStats& other) {
  for (size_t c = 0; c < filters.size(); ++c) {
    FilterSums& sums = filters[c];
    const FilterSums& more = other.filters[c];
    sums.dead_images += more.dead_images;
    sums.active_sum += more.active_sum;
    sums.mean_sum += more.mean_sum;
    if (other.images > 0) sums.max = images == 0 ? more.max : std::max(sums.max, more.max);
    sums.saturated_positions += more.saturated_positions;
    for (size_t b = 0; b < sums.histogram.size(); ++b) sums.histogram[b] += more.histogram[b];
    for (size_t k = 0; k < sums.class_sum.size(); ++k) sums.class_sum[k] += more.class_sum[k];
    for (const TopUnit& unit : more.top) insert_top(sums.top, unit, top_k);
  }
  for (size_t k = 0; k < class_images.size(); ++k) class_images[k] += other.class_images[k];
  images += other.images;
}

FilterSummary summarize(const LayerStats& layer, int filter) {
  const FilterSums& sums = layer.filters[static_cast<size_t>(filter)];
  FilterSummary summary;
  if (layer.images == 0) return summary;
  const double images = static_cast<double>(layer.images);
  summary.dead_fraction = sums.dead_images / images;
  summary.active_fraction = sums.active_sum / images;
  summary.mean = sums.mean_sum / images;
  summary.saturated_fraction =
      static_cast<double>(sums.saturated_positions) / (images * layer.shape[1] * layer.shape[2]);
  for (size_t k = 0; k < layer.class_images.size(); ++k) {
    const int64_t count = layer.class_images[k];
    summary.class_mean.push_back(count > 0 ? sums.class_sum[k] / count : 0.0);
  }
  if (summary.class_mean.size() < 2) return summary;
  const auto best = std::max_element(summary.class_mean.begin(), summary.class_mean.end());
  summary.preferred_class = static_cast<int>(best - summary.class_mean.begin());
  double others = 0.0;
  for (size_t k = 0; k < summary.class_mean.size(); ++k) {
    if (static_cast<int>(k) != summary.preferred_class) others += summary.class_mean[k];
  }
  others /= static_cast<double>(summary.class_mean.size() - 1);
  const double sum = *best + others;
  summary.selectivity = sum != 0.0 ? (*best - others) / sum : 0.0;
  return summary;
}

LayerFlags flags_of(const LayerStats& layer) {
  LayerFlags flags;
  if (layer.images == 0) return flags;
  for (int c = 0; c < static_cast<int>(layer.filters.size()); ++c) {
    const FilterSums& sums = layer.filters[static_cast<size_t>(c)];
    const FilterSummary summary = summarize(layer, c);
    const int64_t active_images = layer.images - sums.dead_images;
    if (active_images == 0) flags.dead.push_back(c);
    if (active_images > 0 && active_images * 100 < layer.images) flags.rarely_active.push_back(c);
    if (summary.active_fraction > 0.99) flags.always_on.push_back(c);
    if (layer.bounds && summary.saturated_fraction > 0.5) flags.saturated.push_back(c);
  }
  return flags;
}

std::optional<std::pair<float, float>> bounded_range(const std::string& kind) {
  const std::string op = lower(kind);
  if (op == "sigmoid" || op == "hardsigmoid") return std::make_pair(0.0f, 1.0f);
  if (op == "tanh") return std::make_pair(-1.0f, 1.0f);
  if (op == "relu6") return std::make_pair(0.0f, 6.0f);
  return std::nullopt;
}

std::vector<DatasetMark> dataset_marks(const LayerStats& layer) {
  std::vector<DatasetMark> marks(layer.filters.size());
  const LayerFlags flags = flags_of(layer);
  for (size_t f = 0; f < marks.size(); ++f) {
    const FilterSummary summary = summarize(layer, static_cast<int>(f));
    marks[f].dead_fraction = summary.dead_fraction;
    marks[f].active_fraction = summary.active_fraction;
  }
  for (int f : flags.dead) marks[static_cast<size_t>(f)].dead = true;
  for (int f : flags.rarely_active) marks[static_cast<size_t>(f)].rarely_active = true;
  return marks;
}

std::vector<int> idle_first_order(const std::vector<DatasetMark>& marks) {
  std::vector<int> order(marks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const DatasetMark& x = marks[static_cast<size_t>(a)];
    const DatasetMark& y = marks[static_cast<size_t>(b)];
    if (x.dead != y.dead) return x.dead;
    if (x.rarely_active != y.rarely_active) return x.rarely_active;
    return x.active_fraction < y.active_fraction;
  });
  return order;
}

}  // namespace actscope
