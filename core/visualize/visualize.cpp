// visualize: the Fourier parametrization, the transforms and Adam through
// the gradient path to the layer (the forward stops there).
#include "core/visualize/visualize.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <torch/script.h>

#include "core/model/layer_query.h"
#include "core/model/model_impl.h"
#include "core/model/torch_bridge.h"
#include "core/visualize/transform_draws.h"

namespace actscope {
namespace {

constexpr double kSpectrumDeviation = 0.01;  // lucent's fft_image sd
constexpr double kMagic = 4.0;               // lucent: divides the image
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;

// The width of lucent's spectrum: W / 2 + 1, and one more for odd W
// (rfft2d_freqs takes fftfreq(w)[: w // 2 + 2]; irfftn ignores the extra).
int64_t spectrum_width(int width) { return width / 2 + 1 + (width % 2); }

// lucent's fft_image and to_valid_rgb (decorrelate=True, sigmoid) as one
// function of the spectrum.
class FourierImage {
 public:
  FourierImage(int channels, int height, int width) : channels_(channels), height_(height), width_(width) {
    const int64_t columns = spectrum_width(width);
    std::vector<float> scale(static_cast<size_t>(height * columns));
    const double floor = 1.0 / std::max(height, width);
    for (int y = 0; y < height; ++y) {
      for (int64_t x = 0; x < columns; ++x) {
        const double fy = frequency(y, height);
        const double fx = frequency(static_cast<int>(x), width);
        scale[static_cast<size_t>(y * columns + x)] =
            static_cast<float>(1.0 / std::max(std::sqrt(fx * fx + fy * fy), floor));
      }
    }
    scale_ = torch::tensor(scale).view({1, 1, height, columns, 1});
    if (channels == 3) {
      // lucent's color_correlation_svd_sqrt over its largest column norm, in float32.
      const float root[3][3] = {{0.26f, 0.09f, 0.02f}, {0.27f, 0.00f, -0.05f}, {0.27f, -0.09f, 0.03f}};
      float largest = 0.0f;
      for (int column = 0; column < 3; ++column) {
        float squares = 0.0f;
        for (int row = 0; row < 3; ++row) squares += root[row][column] * root[row][column];
        largest = std::max(largest, std::sqrt(squares));
      }
      std::vector<float> normalized;
      for (const auto& row : root) {
        for (float value : row) normalized.push_back(value / largest);
      }
      colour_ = torch::tensor(normalized).view({3, 3});
    }
  }

  std::vector<int64_t> spectrum_shape(int64_t images) const {
    return {images, channels_, height_, spectrum_width(width_), 2};
  }

  // [N, C, H, W] pixels in (0, 1).
  torch::Tensor pixels(const torch::Tensor& spectrum) const {
    const torch::Tensor complex = torch::view_as_complex(scale_ * spectrum);
    torch::Tensor image = at::fft_irfftn(complex, std::vector<int64_t>{height_, width_},
                                         std::vector<int64_t>{2, 3}, "ortho") /
                          kMagic;
    if (channels_ == 3) image = torch::matmul(image.permute({0, 2, 3, 1}), colour_.t()).permute({0, 3, 1, 2});
    return torch::sigmoid(image);
  }

 private:
  // numpy.fft.fftfreq(n)[i] (unit spacing).
  static double frequency(int i, int n) { return (i < (n + 1) / 2 ? i : i - n) / static_cast<double>(n); }

  int64_t channels_, height_, width_;
  torch::Tensor scale_;
  torch::Tensor colour_;
};

struct LayerTarget {
  int capture = -1;
  std::vector<int64_t> shape;  // of one image's output: [C, h, w] or [C]
  int unit_y = 0, unit_x = 0;
};

// The channels and spatial size of the model input for `options`.
struct InputSize {
  int channels = 0, height = 0, width = 0;
};
InputSize input_size(const Model& model, const VisualizeOptions& options) {
  const ModelCard& card = model.card();
  return {card.channels, options.height > 0 ? options.height : card.height,
          options.width > 0 ? options.width : card.width};
}

torch::Tensor normalize(const Model& model, const torch::Tensor& pixels) {
  const ModelCard& card = model.card();
  const int64_t channels = pixels.size(1);
  const torch::Tensor ordered = card.channel_order == ChannelOrder::kBgr ? pixels.flip({1}) : pixels;
  // One value stands for every channel, as image_input reads a card.
  auto per_channel = [channels](const std::vector<float>& values) {
    return torch::tensor(values.size() == 1 ? std::vector<float>(channels, values.front()) : values)
        .view({1, channels, 1, 1});
  };
  const auto mean = per_channel(card.mean);
  const auto deviation = per_channel(card.std);
  return (ordered - mean) / deviation;
}

// The layer's output for `input` (autograd records it when input requires
// grad). LibTorch convolves a batch of one image with another algorithm than
// larger batches (its own instead of oneDNN's), whose rounding would make a
// filter's image depend on whether it ran alone; with oneDNN an image's
// values do not depend on its batch-mates, to the bit. So one image runs
// beside a copy of itself, and only its own output is kept (the copy's
// gradient is zero).
torch::Tensor layer_output(const Model& model, const LayerTarget& target, const torch::Tensor& input) {
  const Model::Impl& impl = model.internals();
  const bool alone = input.size(0) == 1;
  const torch::Tensor batch = alone ? torch::cat({input, input}) : input;
  const torch::Tensor output =
      impl.capture_graph->run_with_leaves(impl.module, batch, {target.capture}, /*model_output=*/false).leaves.at(0);
  return alone ? output.slice(0, 0, 1) : output;
}

std::string filter_error(int filter, const VisualizeOptions& options, int64_t filters) {
  return "filter " + std::to_string(filter) + " is outside layer '" + options.layer + "', which has " +
         std::to_string(filters) + " filters (0.." + std::to_string(filters - 1) + ")";
}

// Checks everything and finds the layer's capture and output shape with one
// run on a grey image of the size asked for.
Result<LayerTarget> find_target(const Model& model, const VisualizeOptions& options) {
  if (on_gui_thread()) return gui_thread_refusal(model.path());
  const Model::Impl& impl = model.internals();
  if (!impl.capture_graph) return Error{model.path() + ": " + impl.analysis_notice};
  const ModelCard& card = model.card();
  if (card.channels == 0) {
    return Error{model.path() + ": the model has no card: give its input size, channels, mean and std"};
  }
  if (card.channels != 1 && card.channels != 3) {
    return Error{model.path() + ": the card says " + std::to_string(card.channels) +
                 " input channels; feature visualization makes 1- or 3-channel images"};
  }
  if ((card.mean.size() != 1 && card.mean.size() != static_cast<size_t>(card.channels)) ||
      (card.std.size() != 1 && card.std.size() != static_cast<size_t>(card.channels))) {
    return Error{model.path() + ": the card's mean and std need one value, or one per channel"};
  }
  if (options.steps < 1) return Error{"--steps must be at least 1, not " + std::to_string(options.steps)};
  if (options.batch < 1) return Error{"the batch must hold at least one image"};
  const InputSize size = input_size(model, options);
  if (size.height < 8 || size.width < 8 || size.height > 1024 || size.width > 1024) {
    return Error{"image size " + std::to_string(size.height) + "x" + std::to_string(size.width) +
                 " is outside 8x8..1024x1024"};
  }
  auto index = capturable_layer_index(model, options.layer);
  if (!index) return Error{index.error()};
  LayerTarget target;
  target.capture = impl.capture_graph->points().at(index.value()).output_index;
  torch::Tensor output;
  try {
    c10::InferenceMode not_inference(false);
    const torch::Tensor probe = torch::full({1, size.channels, size.height, size.width}, 0.5f).requires_grad_(true);
    output = layer_output(model, target, normalize(model, probe));
  } catch (const std::exception& e) {
    return Error{model.path() + ": the model does not run on a " + std::to_string(size.height) + "x" +
                 std::to_string(size.width) + " input up to layer '" + options.layer + "' (" + first_line(e.what()) +
                 ")"};
  }
  if (!output.requires_grad()) return Error{"layer '" + options.layer + "' does not depend on the input"};
  const bool maps = output.dim() == 4;
  if (!maps && !(output.dim() == 2 && options.objective == VisualObjective::kChannel)) {
    return Error{"layer '" + options.layer + "' has output " + shape_string(output.sizes().vec()) + ", not maps [N, C, h, w]" +
                 (output.dim() == 2 ? " (the channel objective takes a [N, C] layer)" : "")};
  }
  target.shape.assign(output.sizes().begin() + 1, output.sizes().end());
  std::set<int> seen;
  if (options.objective != VisualObjective::kLayer) {
    if (options.filters.empty()) return Error{"no filter given for layer '" + options.layer + "'"};
    for (int filter : options.filters) {
      if (filter < 0 || filter >= target.shape[0]) return Error{filter_error(filter, options, target.shape[0])};
      if (!seen.insert(filter).second) return Error{"filter " + std::to_string(filter) + " is given twice"};
    }
  }
  if (options.objective == VisualObjective::kNeuron) {
    const int h = static_cast<int>(target.shape[1]), w = static_cast<int>(target.shape[2]);
    target.unit_y = options.unit ? options.unit->first : h / 2;
    target.unit_x = options.unit ? options.unit->second : w / 2;
    if (target.unit_y < 0 || target.unit_y >= h || target.unit_x < 0 || target.unit_x >= w) {
      return Error{"unit " + std::to_string(target.unit_y) + "," + std::to_string(target.unit_x) +
                   " is outside layer '" + options.layer + "', whose maps are " + std::to_string(h) + "x" +
                   std::to_string(w)};
    }
  }
  return target;
}

// The objective of each image: its filter's mean, one unit, or the layer's mean.
torch::Tensor objectives(const torch::Tensor& output, const LayerTarget& target, VisualObjective objective,
                         const std::vector<int>& filters) {
  const int64_t images = output.size(0);
  if (objective == VisualObjective::kLayer) return output.reshape({images, -1}).mean(1);
  std::vector<int64_t> chosen(filters.begin(), filters.end());
  const torch::Tensor rows = torch::arange(images, torch::kLong);
  const torch::Tensor columns = torch::tensor(chosen, torch::kLong);
  if (objective == VisualObjective::kNeuron) {
    return output.index({rows, columns, target.unit_y, target.unit_x});
  }
  const torch::Tensor per_image = output.index({rows, columns});
  return output.dim() == 2 ? per_image : per_image.mean({1, 2});
}

RgbImage to_rgb(const torch::Tensor& pixels) {  // [C, H, W] in [0, 1]
  const torch::Tensor bytes = (pixels.clamp(0, 1) * 255).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
  RgbImage image;
  image.height = static_cast<int>(bytes.size(0));
  image.width = static_cast<int>(bytes.size(1));
  const int64_t channels = bytes.size(2);
  const uint8_t* data = bytes.data_ptr<uint8_t>();
  image.pixels.resize(static_cast<size_t>(image.width) * image.height * 3);
  for (size_t i = 0; i < static_cast<size_t>(image.width) * image.height; ++i) {
    for (int c = 0; c < 3; ++c) image.pixels[i * 3 + c] = data[i * channels + (channels == 3 ? c : 0)];
  }
  return image;
}

// One batch of images: the spectra from each filter's generator, then
// `steps` Adam steps on the transformed images' summed objectives.
class BatchOptimizer {
 public:
  BatchOptimizer(const Model& model, const VisualizeOptions& options, const LayerTarget& target,
                 std::vector<int> filters)
      : model_(model), options_(options), target_(target), filters_(std::move(filters)),
        size_(input_size(model, options)), fourier_(size_.channels, size_.height, size_.width),
        sizes_(transform_sizes(size_.height, size_.width)) {
    const auto shape = fourier_.spectrum_shape(static_cast<int64_t>(filters_.size()));
    const int64_t per_image = shape[1] * shape[2] * shape[3] * shape[4];
    std::vector<float> values;
    values.reserve(static_cast<size_t>(per_image) * filters_.size());
    for (int filter : filters_) {
      randoms_.emplace_back(options.seed, filter);
      for (int64_t i = 0; i < per_image; ++i) values.push_back(static_cast<float>(randoms_.back().normal() * kSpectrumDeviation));
    }
    spectrum_ = torch::tensor(values).view(shape).requires_grad_(true);
    first_moment_ = torch::zeros_like(spectrum_);
    second_moment_ = torch::zeros_like(spectrum_);
  }

  void step(int t) {
    torch::Tensor output = layer_output(model_, target_, normalize(model_, transformed(fourier_.pixels(spectrum_))));
    torch::Tensor values = objectives(output, target_, options_.objective, filters_).sum();
    (options_.negative ? values : -values).backward();
    torch::NoGradGuard no_grad;
    adam(t);
  }

  std::vector<FilterVisualization> finish() const {
    torch::NoGradGuard no_grad;
    const torch::Tensor pixels = fourier_.pixels(spectrum_);
    const torch::Tensor input = normalize(model_, pixels).contiguous();
    torch::Tensor values;
    {
      c10::InferenceMode not_inference(false);
      values = objectives(layer_output(model_, target_, input), target_, options_.objective, filters_)
                   .detach().to(torch::kFloat64);
    }
    std::vector<FilterVisualization> results;
    for (size_t i = 0; i < filters_.size(); ++i) {
      FilterVisualization result;
      result.filter = filters_[i];
      result.image = to_rgb(pixels[static_cast<int64_t>(i)]);
      result.input = to_float_array(input[static_cast<int64_t>(i)].clone());
      result.objective = values[static_cast<int64_t>(i)].item<double>();
      if (options_.objective == VisualObjective::kNeuron) result.unit = std::make_pair(target_.unit_y, target_.unit_x);
      results.push_back(std::move(result));
    }
    return results;
  }

 private:
  // Each image moved by its own draw; what enters the frame is 0.5 grey.
  torch::Tensor transformed(const torch::Tensor& pixels) {
    std::vector<float> matrices;
    for (auto& random : randoms_) {
      const auto matrix = sampling_matrix(draw_transform(random, sizes_), size_.height, size_.width);
      matrices.insert(matrices.end(), matrix.begin(), matrix.end());
    }
    const torch::Tensor theta = torch::tensor(matrices).view({static_cast<int64_t>(randoms_.size()), 2, 3});
    const torch::Tensor grid = torch::affine_grid_generator(theta, pixels.sizes(), /*align_corners=*/false);
    return torch::grid_sampler(pixels - 0.5, grid, /*bilinear*/ 0, /*zeros*/ 0, /*align_corners=*/false) + 0.5;
  }

  // torch.optim.Adam's update (no weight decay, no amsgrad).
  void adam(int t) {
    torch::Tensor gradient = spectrum_.grad();
    first_moment_.mul_(kBeta1).add_(gradient, 1 - kBeta1);
    second_moment_.mul_(kBeta2).addcmul_(gradient, gradient, 1 - kBeta2);
    const double correction1 = 1 - std::pow(kBeta1, t);
    const double correction2 = 1 - std::pow(kBeta2, t);
    const torch::Tensor denominator = (second_moment_.sqrt() / std::sqrt(correction2)).add_(kEpsilon);
    spectrum_.addcdiv_(first_moment_, denominator, -options_.learning_rate / correction1);
    gradient.zero_();
  }

  const Model& model_;
  const VisualizeOptions& options_;
  const LayerTarget& target_;
  std::vector<int> filters_;
  InputSize size_;
  FourierImage fourier_;
  TransformSizes sizes_;
  std::vector<VisualRandom> randoms_;
  torch::Tensor spectrum_, first_moment_, second_moment_;
};

}  // namespace

const char* objective_name(VisualObjective objective) {
  switch (objective) {
    case VisualObjective::kNeuron: return "neuron";
    case VisualObjective::kLayer: return "layer";
    case VisualObjective::kChannel: break;
  }
  return "channel";
}

Result<VisualObjective> parse_objective(const std::string& text) {
  for (auto objective : {VisualObjective::kChannel, VisualObjective::kNeuron, VisualObjective::kLayer}) {
    if (text == objective_name(objective)) return objective;
  }
  return Error{"objective '" + text + "': expected channel, neuron or layer"};
}

std::string parameters_key(const VisualizeOptions& options) {
  std::ostringstream key;
  key << "layer=" << options.layer << ";objective=" << objective_name(options.objective);
  if (options.unit) key << ";unit=" << options.unit->first << "," << options.unit->second;
  key << ";steps=" << options.steps << ";size=" << options.height << "x" << options.width
      << ";seed=" << options.seed << ";negative=" << options.negative << ";lr=" << options.learning_rate;
  return key.str();
}

Status check_visualize(const Model& model, const VisualizeOptions& options) {
  auto target = find_target(model, options);
  if (!target) return Error{target.error()};
  return Done{};
}

struct VisualizeRun::State {
  const Model& model;
  VisualizeOptions options;
  LayerTarget target;
  std::vector<int> filters;  // {-1} for the layer objective
  int64_t batches = 0;
  int64_t batch = 0;  // the batch under way
  int step = 0;       // its steps done
  std::unique_ptr<BatchOptimizer> optimizer;
  std::vector<FilterVisualization> results;
};

VisualizeRun::VisualizeRun(std::unique_ptr<State> state) : state_(std::move(state)) {}
VisualizeRun::~VisualizeRun() = default;

Result<std::unique_ptr<VisualizeRun>> VisualizeRun::start(const Model& model, const VisualizeOptions& options) {
  auto target = find_target(model, options);
  if (!target) return Error{target.error()};
  auto state = std::unique_ptr<State>(new State{model, options, target.value(), {}, 0, 0, 0, nullptr, {}});
  state->filters = options.objective == VisualObjective::kLayer ? std::vector<int>{-1} : options.filters;
  state->batches = (static_cast<int64_t>(state->filters.size()) + options.batch - 1) / options.batch;
  return std::unique_ptr<VisualizeRun>(new VisualizeRun(std::move(state)));
}

Result<bool> VisualizeRun::advance(const VisualizeProgress& progress) {
  State& s = *state_;
  const int steps = s.options.steps;
  const int64_t total = s.batches * steps;
  try {
    c10::InferenceMode not_inference(false);
    for (; s.batch < s.batches; ++s.batch) {
      if (!s.optimizer) {
        const auto first = s.filters.begin() + s.batch * s.options.batch;
        const auto last = s.filters.begin() + std::min<int64_t>((s.batch + 1) * s.options.batch, s.filters.size());
        s.optimizer = std::make_unique<BatchOptimizer>(s.model, s.options, s.target, std::vector<int>(first, last));
      }
      while (s.step < steps) {
        {
          torch::AutoGradMode grad(true);
          s.optimizer->step(s.step + 1);
        }
        ++s.step;
        if (progress && !progress(s.batch * steps + s.step, total)) return false;
      }
      for (auto& result : s.optimizer->finish()) s.results.push_back(std::move(result));
      s.optimizer.reset();
      s.step = 0;
    }
  } catch (const std::exception& e) {
    return Error{s.model.path() + ": the visualization of layer '" + s.options.layer + "' failed (" +
                 first_line(e.what()) + ")"};
  }
  return true;
}

std::vector<FilterVisualization> VisualizeRun::take_results() { return std::move(state_->results); }

Result<std::vector<FilterVisualization>> visualize(const Model& model, const VisualizeOptions& options,
                                                   const VisualizeProgress& progress) {
  auto run = VisualizeRun::start(model, options);
  if (!run) return Error{run.error()};
  auto done = run.value()->advance(progress);
  if (!done) return Error{done.error()};
  if (!done.value()) return Error{"cancelled"};
  return run.value()->take_results();
}

Result<double> objective_on_image(const Model& model, const VisualizeOptions& options, int filter,
                                  const InputImage& image) {
  VisualizeOptions one = options;
  one.filters = {filter};
  one.height = one.width = 0;
  auto target = find_target(model, one);
  if (!target) return Error{target.error()};
  auto batch = model.internals().batch_of({image});
  if (!batch) return Error{batch.error()};
  try {
    c10::InferenceMode not_inference(false);
    const torch::Tensor output = layer_output(model, target.value(), view_as_tensor(batch.value()));
    torch::NoGradGuard no_grad;
    return objectives(output.detach(), target.value(), options.objective, {filter}).item<double>();
  } catch (const std::exception& e) {
    return Error{model.path() + ": " + image.name + ": " + first_line(e.what())};
  }
}

Result<FloatArray> pixels_from_spectrum(const FloatArray& spectrum, int channels, int height, int width) {
  if (channels != 1 && channels != 3) return Error{"channels must be 1 or 3"};
  const FourierImage fourier(channels, height, width);
  auto expected = fourier.spectrum_shape(spectrum.dim() > 0 ? spectrum.shape()[0] : 0);
  if (spectrum.shape() != expected) {
    return Error{"the spectrum is " + shape_string(spectrum.shape()) + ", not " + shape_string(expected)};
  }
  try {
    torch::NoGradGuard no_grad;
    return to_float_array(fourier.pixels(view_as_tensor(spectrum)).contiguous());
  } catch (const std::exception& e) {
    return Error{std::string("the spectrum could not be turned into pixels (") + first_line(e.what()) + ")"};
  }
}

}  // namespace actscope
