// Feature visualization by optimization: the input a filter responds to most
// (Olah, Mordvintsev and Schubert, "Feature Visualization", Distill 2017, as
// Lucid and its PyTorch port lucent do it). The image is a Fourier spectrum
// scaled by 1/frequency (lucent's fft_image), turned into colours through the
// decorrelated colour basis (3-channel models) and a sigmoid, moved by small
// random transforms each step (transform_draws.h), normalized as the model's
// card says and optimized by Adam through the engine's gradient path, one
// image per filter in a batch. Torch-free header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/base/rgb_image.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

// What is maximized: a filter's mean activation, one unit of a filter, or
// the mean of the whole layer (one image for the layer).
enum class VisualObjective { kChannel, kNeuron, kLayer };
const char* objective_name(VisualObjective objective);
// "channel", "neuron" or "layer"; an error naming the text otherwise.
Result<VisualObjective> parse_objective(const std::string& text);

struct VisualizeOptions {
  std::string layer;         // a capturable layer with maps [1, C, h, w] (or [1, C] for channel)
  std::vector<int> filters;  // one image each; ignored (one image) for kLayer
  VisualObjective objective = VisualObjective::kChannel;
  // kNeuron: the unit's row and column in the layer's map; unset: the centre
  // (h / 2, w / 2).
  std::optional<std::pair<int, int>> unit;
  int steps = 512;
  int height = 0;  // the image's size; 0: the card's input size
  int width = 0;
  uint64_t seed = 0;
  bool negative = false;         // minimize: what the filter responds to least
  double learning_rate = 0.05;   // Adam's; betas 0.9 and 0.999, eps 1e-8
  int batch = 32;                // images optimized together
};

// A text naming every parameter that changes the images (not the filters or
// the batch), for caches and manifests.
std::string parameters_key(const VisualizeOptions& options);

struct FilterVisualization {
  int filter = -1;     // -1 for the layer objective
  RgbImage image;      // the final image in pixel space (what the sigmoid gives)
  FloatArray input;    // [C, H, W]: that image normalized exactly as the model receives it
  double objective = 0.0;  // the objective (not negated) on `input`, without transforms
  std::optional<std::pair<int, int>> unit;  // kNeuron: the unit (row, column) used
};

// Called after each optimization step with steps done and steps in all
// (filters' batches x steps); returning false cancels the run.
using VisualizeProgress = std::function<bool(int64_t done, int64_t total)>;

// Checks the layer (known, capturable, reached by the input, with maps; a
// [1, C] output for the channel objective only), the filters (in range, no
// repeats), the unit and the size before anything runs. Errors name the
// layer, filter or unit. One call at a time per Model; worker threads only.
Status check_visualize(const Model& model, const VisualizeOptions& options);

// Optimizes one image per filter of options.filters (in batches of
// options.batch) and returns them in that order. Deterministic for a seed
// and thread count: each filter's spectrum and transforms come from a
// generator seeded by (seed, filter). Errors as check_visualize's, for a
// model without a card, and "cancelled" when `progress` returns false.
// One call at a time per Model; worker threads only.
Result<std::vector<FilterVisualization>> visualize(const Model& model, const VisualizeOptions& options,
                                                   const VisualizeProgress& progress = {});

// A visualization that can stop between steps and go on later (a GUI run
// that gives way to other work on the worker): its images are, to the bit,
// those visualize() gives for the same options, since each filter's
// generator goes on where it stopped. Holds a reference to the model, which
// must outlive it. Worker threads only; one call at a time.
class VisualizeRun {
 public:
  // Checks as check_visualize does; errors as its.
  static Result<std::unique_ptr<VisualizeRun>> start(const Model& model, const VisualizeOptions& options);
  ~VisualizeRun();
  VisualizeRun(const VisualizeRun&) = delete;
  VisualizeRun& operator=(const VisualizeRun&) = delete;

  // Runs steps until every image is done (true), or until `progress`
  // (called after each step with steps done and steps in all) returns false
  // (false: call again to go on). After an error the run is over.
  Result<bool> advance(const VisualizeProgress& progress);
  // The images, in options.filters order, once advance() returned true.
  std::vector<FilterVisualization> take_results();

 private:
  struct State;
  explicit VisualizeRun(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The objective of `filter` (as options say) on a dataset image, for the
// comparison with a synthesized one. Worker threads only.
Result<double> objective_on_image(const Model& model, const VisualizeOptions& options, int filter,
                                  const InputImage& image);

// The parametrization alone (for tests against lucent): the pixels [N, C, H, W]
// in [0, 1] that `spectrum` ([N, C, H, W / 2 + 1 (+1 when W is odd), 2],
// real and imaginary parts, lucent's shape) gives before any transform.
// channels is 1 (no colour step) or 3. Any thread but the GUI's.
Result<FloatArray> pixels_from_spectrum(const FloatArray& spectrum, int channels, int height, int width);

}  // namespace actscope
