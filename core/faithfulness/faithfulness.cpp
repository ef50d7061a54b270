#include "core/faithfulness/faithfulness.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/faithfulness/road_imputer.h"

namespace actscope {
namespace {

// One perturbed image: how to make it, and where its score goes.
struct Perturbed {
  std::function<void(float*)> make;
  double* score;
};

double class_score(const float* logits, int64_t classes, int target, FaithfulnessScore score) {
  if (score == FaithfulnessScore::kLogit) return logits[target];
  const float largest = *std::max_element(logits, logits + classes);
  double sum = 0.0;
  for (int64_t k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(logits[k]) - largest);
  return std::exp(static_cast<double>(logits[target]) - largest) / sum;
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  double area = 0.0;
  for (size_t i = 1; i < x.size(); ++i) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
  return area;
}

// splitmix64's finalizer: the seeds of ROAD's noise from (seed, image, percentile, kind).
uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Pixel indices by decreasing map value, ties in ascending index.
std::vector<int64_t> importance_order(const float* map, int64_t pixels) {
  std::vector<int64_t> order(static_cast<size_t>(pixels));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [map](int64_t a, int64_t b) { return map[a] > map[b]; });
  return order;
}

// The normalized value of a black pixel in each channel, as image_input.cpp normalizes.
std::vector<float> black_pixel(const ModelCard& card, int64_t channels) {
  std::vector<float> black(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const auto at = static_cast<size_t>(c);
    const float mean = card.mean.empty() ? 0.0f : card.mean[std::min(at, card.mean.size() - 1)];
    const float std = card.std.empty() ? 1.0f : card.std[std::min(at, card.std.size() - 1)];
    black[at] = (0.0f - mean) * (1.0f / std);
  }
  return black;
}

// The input blurred channel by channel: an 11x11 Gaussian of sigma 5, reflected borders.
std::vector<float> blurred(const FaithfulnessImage& image) {
  const int64_t pixels = image.height * image.width;
  std::vector<float> out(static_cast<size_t>(image.channels * pixels));
  for (int64_t c = 0; c < image.channels; ++c) {
    const cv::Mat plane(static_cast<int>(image.height), static_cast<int>(image.width), CV_32F,
                        const_cast<float*>(image.input + c * pixels));
    cv::Mat target(static_cast<int>(image.height), static_cast<int>(image.width), CV_32F, out.data() + c * pixels);
    cv::GaussianBlur(plane, target, cv::Size(11, 11), 5.0, 5.0, cv::BORDER_REFLECT_101);
  }
  return out;
}

// What one image's perturbed versions share.
struct Shared {
  FaithfulnessImage image;
  int64_t pixels = 0;
  std::vector<float> black;
  std::vector<float> blurred;
  const float* original() const { return image.input; }
  size_t values() const { return static_cast<size_t>(image.channels * pixels); }
};

void add_curves(const std::shared_ptr<const Shared>& shared, const float* map, int step, MapFaithfulness& result,
                std::vector<Perturbed>& jobs) {
  const int64_t pixels = shared->pixels;
  const auto points = curve_x(pixels, step).size();
  result.deletion_curve.assign(points, 0.0);
  result.insertion_curve.assign(points, 0.0);
  auto order = std::make_shared<const std::vector<int64_t>>(importance_order(map, pixels));
  for (size_t i = 1; i < points; ++i) {
    const int64_t count = std::min<int64_t>(static_cast<int64_t>(i) * step, pixels);
    jobs.push_back({[shared, order, count](float* out) {
                      std::copy(shared->original(), shared->original() + shared->values(), out);
                      for (int64_t c = 0; c < shared->image.channels; ++c) {
                        float* plane = out + c * shared->pixels;
                        const float black = shared->black[static_cast<size_t>(c)];
                        for (int64_t k = 0; k < count; ++k) plane[(*order)[static_cast<size_t>(k)]] = black;
                      }
                    },
                    &result.deletion_curve[i]});
  }
  for (size_t i = 0; i + 1 < points; ++i) {
    const int64_t count = std::min<int64_t>(static_cast<int64_t>(i) * step, pixels);
    jobs.push_back({[shared, order, count](float* out) {
                      std::copy(shared->blurred.begin(), shared->blurred.end(), out);
                      for (int64_t c = 0; c < shared->image.channels; ++c) {
                        float* plane = out + c * shared->pixels;
                        const float* source = shared->original() + c * shared->pixels;
                        for (int64_t k = 0; k < count; ++k) {
                          const int64_t at = (*order)[static_cast<size_t>(k)];
                          plane[at] = source[at];
                        }
                      }
                    },
                    &result.insertion_curve[i]});
  }
}

void add_road(const std::shared_ptr<const Shared>& shared, const float* map, const FaithfulnessOptions& options,
              MapFaithfulness& result, std::vector<Perturbed>& jobs) {
  const auto& percentiles = road_percentiles();
  result.road_morf_by_percentile.assign(percentiles.size(), 0.0);
  result.road_lerf_by_percentile.assign(percentiles.size(), 0.0);
  const int64_t pixels = shared->pixels;
  auto values = std::make_shared<const std::vector<float>>(map, map + pixels);
  std::vector<float> flipped(static_cast<size_t>(pixels));
  for (int64_t i = 0; i < pixels; ++i) flipped[static_cast<size_t>(i)] = 1.0f - map[i];
  auto inverse = std::make_shared<const std::vector<float>>(std::move(flipped));
  for (size_t j = 0; j < percentiles.size(); ++j) {
    for (int kind = 0; kind < 2; ++kind) {  // 0: MoRF on the map, 1: LeRF on 1 - map
      const auto& ranked = kind == 0 ? values : inverse;
      const float threshold = numpy_percentile(*ranked, percentiles[j]);
      const uint64_t seed =
          mix(mix(mix(options.seed, static_cast<uint64_t>(shared->image.index)), static_cast<uint64_t>(percentiles[j])),
              static_cast<uint64_t>(kind));
      const double noise = options.road_noise;
      double* score = kind == 0 ? &result.road_morf_by_percentile[j] : &result.road_lerf_by_percentile[j];
      jobs.push_back({[shared, ranked, threshold, seed, noise](float* out) {
                        std::vector<uint8_t> keep(ranked->size());
                        for (size_t i = 0; i < keep.size(); ++i) keep[i] = (*ranked)[i] < threshold ? 1 : 0;
                        const FaithfulnessImage& image = shared->image;
                        impute_road(image.input, image.channels, image.height, image.width, keep, noise, seed, out);
                      },
                      score});
    }
  }
}

// Runs every job's image through the model in batches and stores its score.
Status score_jobs(const Model& model, const FaithfulnessImage& image, const std::vector<Perturbed>& jobs,
                  const FaithfulnessOptions& options, const std::function<bool(size_t, size_t)>& progress) {
  const int64_t values = image.channels * image.height * image.width;
  const auto batch = static_cast<size_t>(std::max(1, options.batch_size));
  for (size_t first = 0; first < jobs.size(); first += batch) {
    const size_t end = std::min(jobs.size(), first + batch);
    std::vector<float> inputs(static_cast<size_t>(values) * (end - first));
    for (size_t k = first; k < end; ++k) jobs[k].make(inputs.data() + (k - first) * static_cast<size_t>(values));
    const FloatArray batch_input({static_cast<int64_t>(end - first), image.channels, image.height, image.width},
                                 std::move(inputs));
    auto logits = model.logits(batch_input);
    if (!logits) return Error{logits.error()};
    const int64_t classes = logits.value().shape()[1];
    if (image.target_class < 0 || image.target_class >= classes) {
      return Error{"class " + std::to_string(image.target_class) + " is not one of the model's " +
                   std::to_string(classes) + " outputs"};
    }
    for (size_t k = first; k < end; ++k) {
      *jobs[k].score = class_score(logits.value().data() + static_cast<int64_t>(k - first) * classes, classes,
                                   image.target_class, options.score);
    }
    if (progress && !progress(end, jobs.size())) return Error{"cancelled"};
  }
  return Done{};
}

double mean_of(const std::vector<double>& values) {
  return values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

}  // namespace

std::string to_string(FaithfulnessScore score) {
  return score == FaithfulnessScore::kLogit ? "logit" : "probability";
}

Result<FaithfulnessScore> parse_faithfulness_score(const std::string& name) {
  if (name == "probability") return FaithfulnessScore::kProbability;
  if (name == "logit") return FaithfulnessScore::kLogit;
  return Error{"unknown score '" + name + "': give probability or logit"};
}

const std::vector<int>& road_percentiles() {
  static const std::vector<int> percentiles{10, 20, 30, 40, 50, 60, 70, 80, 90};
  return percentiles;
}

std::vector<double> curve_x(int64_t pixels, int step) {
  const int64_t steps = (pixels + step - 1) / step;
  std::vector<double> x;
  for (int64_t i = 0; i <= steps; ++i)
    x.push_back(static_cast<double>(std::min(i * step, pixels)) / static_cast<double>(pixels));
  return x;
}

float numpy_percentile(std::vector<float> values, int percentile) {
  std::sort(values.begin(), values.end());
  const double index = static_cast<double>(values.size() - 1) * (percentile / 100.0);
  const double lower = std::floor(index);
  const double t = index - lower;
  const auto low = static_cast<size_t>(lower);
  const size_t high = std::min(low + 1, values.size() - 1);
  const float a = values[low], b = values[high];
  const double difference = static_cast<double>(b - a);  // numpy subtracts in float32
  const double value = t >= 0.5 ? b - difference * (1.0 - t) : a + difference * t;
  return static_cast<float>(value);
}

std::vector<float> random_map(uint64_t seed, int64_t index, int64_t height, int64_t width) {
  std::mt19937 generator(static_cast<uint32_t>(seed + static_cast<uint64_t>(index)));
  std::vector<float> map(static_cast<size_t>(height * width));
  for (float& value : map) {
    const uint32_t a = generator() >> 5, b = generator() >> 6;
    value = static_cast<float>((a * 67108864.0 + b) / 9007199254740992.0);
  }
  return map;
}

Result<std::vector<MapFaithfulness>> measure_maps(const Model& model, const FaithfulnessImage& image,
                                                  const std::vector<const float*>& maps,
                                                  const FaithfulnessOptions& options,
                                                  const std::function<bool(size_t, size_t)>& progress) {
  if (image.channels <= 0 || image.height <= 0 || image.width <= 0)
    return Error{"an image of " + std::to_string(image.height) + "x" + std::to_string(image.width) + " pixels has none to measure"};
  const int64_t pixels = image.height * image.width;
  for (size_t m = 0; m < maps.size(); ++m) {
    if (!std::all_of(maps[m], maps[m] + pixels, [](float v) { return std::isfinite(v); }))
      return Error{"map " + std::to_string(m + 1) + " holds NaN or Inf: its pixels have no order"};
  }
  auto shared = std::make_shared<Shared>();
  shared->image = image;
  shared->pixels = image.height * image.width;
  shared->black = black_pixel(model.card(), image.channels);
  try {
    shared->blurred = blurred(image);
  } catch (const cv::Exception& e) {
    return Error{std::string("blurring the image: ") + e.what()};
  }
  const int step = options.step > 0 ? options.step : static_cast<int>(image.width);
  std::vector<MapFaithfulness> results(maps.size());
  std::vector<double> multiplied(maps.size());
  double original = 0.0;
  std::vector<Perturbed> jobs;
  jobs.push_back({[shared](float* out) { std::copy(shared->original(), shared->original() + shared->values(), out); },
                  &original});
  for (size_t m = 0; m < maps.size(); ++m) {
    const float* map = maps[m];
    add_curves(shared, map, step, results[m], jobs);
    jobs.push_back({[shared, map](float* out) {
                      for (int64_t c = 0; c < shared->image.channels; ++c) {
                        for (int64_t i = 0; i < shared->pixels; ++i)
                          out[c * shared->pixels + i] = shared->original()[c * shared->pixels + i] * map[i];
                      }
                    },
                    &multiplied[m]});
    add_road(shared, map, options, results[m], jobs);
  }
  if (auto scored = score_jobs(model, image, jobs, options, progress); !scored) return Error{scored.error()};
  const std::vector<double> x = curve_x(shared->pixels, step);
  for (size_t m = 0; m < maps.size(); ++m) {
    MapFaithfulness& r = results[m];
    r.deletion_curve.front() = original;
    r.insertion_curve.back() = original;
    r.deletion_auc = trapezoid(x, r.deletion_curve);
    r.insertion_auc = trapezoid(x, r.insertion_curve);
    const double change = multiplied[m] - original;
    r.drop_in_confidence = std::max(0.0, -change);
    r.increase_in_confidence = change > 0.0 ? 1.0 : 0.0;
    for (double& score : r.road_morf_by_percentile) score -= original;
    for (double& score : r.road_lerf_by_percentile) score -= original;
    r.road_morf = mean_of(r.road_morf_by_percentile);
    r.road_lerf = mean_of(r.road_lerf_by_percentile);
    r.road_combined = (r.road_lerf - r.road_morf) / 2.0;
  }
  return results;
}

}  // namespace actscope
