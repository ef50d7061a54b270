#include "core/atlas/filter_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace actscope {
namespace {

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
                           const std::vector<const std::string*>& names, const std::vector<int>& classes,
                           const MapSummary* summaries) {
  const int64_t positions = shape[1] * shape[2];
  const int64_t per_image = shape[0] * positions;
  const auto count = static_cast<int64_t>(batch_images.size());
  const std::pair<float, float>* range = bounds ? &*bounds : nullptr;
  // Filters are independent: spread them over the engine's OpenMP threads,
  // each taking its images in order.
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t c = 0; c < shape[0]; ++c) {
    for (int64_t b = 0; b < count; ++b) {
      const float* map = maps + b * per_image + c * positions;
      add_map(static_cast<size_t>(c), map,
              summaries ? summaries[b * shape[0] + c] : summarize_map(map, positions, range), batch_images[b],
              *names[b], classes[b]);
    }
  }
  for (int64_t b = 0; b < count; ++b) {
    if (classes[b] >= 0 && classes[b] < static_cast<int>(class_images.size())) ++class_images[classes[b]];
  }
  images += count;
}

void LayerStats::add_map(size_t filter, const float* map, const MapSummary& summary, int64_t image,
                         const std::string& image_name, int true_class) {
  const int64_t positions = shape[1] * shape[2];
  FilterSums& sums = filters[filter];
  const float maximum = summary.maximum;
  sums.saturated_positions += summary.saturated;
  const double mean = summary.total / static_cast<double>(positions);
  const bool first = sums.top.empty();  // every image gets a top entry until there are top_k
  sums.dead_images += maximum <= 0.0f;
  sums.active_sum += static_cast<double>(summary.positive) / static_cast<double>(positions);
  sums.mean_sum += mean;
  sums.max = first ? maximum : std::max(sums.max, maximum);
  ++sums.histogram[static_cast<size_t>(histogram_bin(maximum))];
  if (true_class >= 0 && true_class < static_cast<int>(sums.class_sum.size())) sums.class_sum[true_class] += mean;
  const TopUnit candidate{image, std::string(), maximum, 0, 0};
  if (static_cast<int>(sums.top.size()) == top_k && !ranks_above(candidate, sums.top.back())) return;
  // Only an image that enters the top list needs its peak's position (the first, row-major).
  // A NaN maximum (a NaN first value) is found nowhere: the peak is then the first position.
  const int64_t found = std::find(map, map + positions, maximum) - map;
  const int64_t peak = found < positions ? found : 0;
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
