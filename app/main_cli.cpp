// actscope-cli: the command-line front end, for scripts and servers.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "core/explain/cam.h"
#include "core/explain/compare.h"
#include "core/explain/compare_sheet.h"
#include "core/data/dataset.h"
#include "core/maps/filter_weights.h"
#include "core/model/image_input.h"
#include "core/export/layer_export.h"
#include "core/model/model.h"
#include "core/io/npy_writer.h"
#include "core/io/sha256.h"
#include "core/base/version.h"
#include "core/maps/cam_render.h"
#include "core/model/layer_query.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Flags every subcommand that runs a model takes.
struct CommonFlags {
  actscope::CardOverrides card;
  int threads = 0;

  void add_to(CLI::App* command) {
    command->add_option("--input-size", card.input_size,
                        "Input height x width, e.g. 224x224 (overrides the card)");
    command->add_option("--channels", card.channels, "Input channels, 1 or 3 (overrides the card)")
        ->check(CLI::IsMember({1, 3}));
    command->add_option("--mean", card.mean, "Mean, one value or one per channel (overrides the card)")
        ->delimiter(',');
    command->add_option("--std", card.std, "Std, one value or one per channel (overrides the card)")
        ->delimiter(',');
    command->add_option("--threads", threads, "Intra-op threads (default: all cores)")
        ->check(CLI::PositiveNumber);
  }
};

// Loads the model and applies the common flags. With `card_required`, a
// model whose input size is still unknown is an error that says what to type.
actscope::Result<std::unique_ptr<actscope::Model>> load_for_cli(const std::string& path,
                                                                const CommonFlags& flags,
                                                                bool card_required) {
  if (flags.threads > 0) actscope::set_thread_count(flags.threads);
  auto model = actscope::Model::load(path);
  if (!model) return model;
  const int suggested = model.value()->inferred_channels().value_or(0);
  const bool has_card = model.value()->card_source() != actscope::CardSource::kNone;
  if (!has_card && !card_required && flags.card.empty()) return model;
  auto card = actscope::apply_card_overrides(model.value()->card(), flags.card, suggested);
  if (!card) {
    const std::string why = has_card ? "" : " (it has no card, actscope.json)";
    return actscope::Error{path + ": " + card.error() + why};
  }
  if (!flags.card.empty() || !has_card) model.value()->set_card(std::move(card).value());
  return model;
}

struct PredictOptions {
  CommonFlags common;
  std::string model;
  std::vector<std::string> images;
  std::string dataset;
  std::string out;
  int batch = 256;
  int top = 5;
  bool json = false;
  bool quiet = false;
};

void print_predictions(const actscope::ModelCard& card, const actscope::InputImage& image,
                       const std::vector<actscope::ClassScore>& top) {
  std::cout << image.name << "\n";
  for (const auto& score : top) {
    std::cout << "  " << std::setw(3) << score.class_index << "  " << std::fixed << std::setprecision(4)
              << score.probability << "  " << card.label(score.class_index) << "\n";
  }
}

nlohmann::json predictions_json(const actscope::ModelCard& card, const actscope::InputImage& image,
                                const std::vector<actscope::ClassScore>& top) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& score : top) {
    classes.push_back({{"class", score.class_index},
                       {"label", card.label(score.class_index)},
                       {"probability", score.probability}});
  }
  return {{"image", image.name}, {"top", classes}};
}

int fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitFailure;
}

// A progress line on stderr, once the work has taken over a second.
class ProgressLine {
 public:
  explicit ProgressLine(bool quiet, std::string what = "writing layer")
      : quiet_(quiet), what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}
  ~ProgressLine() { finish(); }
  // Ends the line, so that later messages start on their own.
  void finish() {
    if (shown_) std::cerr << "\n";
    shown_ = false;
  }
  bool operator()(size_t done, size_t total) {
    if (quiet_ || std::chrono::steady_clock::now() - start_ < std::chrono::seconds(1)) return true;
    std::cerr << "\r" << what_ << " " << done << "/" << total << std::flush;
    shown_ = true;
    return true;
  }

 private:
  bool quiet_;
  std::string what_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

// A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

int run_predict_dataset(const PredictOptions& options, const actscope::Model& model);

int run_predict(const PredictOptions& options) {
  if (options.images.empty() == options.dataset.empty()) {
    std::cerr << "error: give --image (one or more) or --dataset, not both\n";
    return kExitUsage;
  }
  if (!options.dataset.empty() && options.out.empty()) {
    std::cerr << "error: --dataset needs --out predictions.csv\n";
    return kExitUsage;
  }
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (model && !options.dataset.empty()) return run_predict_dataset(options, *model.value());
  if (!model) {
    std::cerr << "error: " << model.error() << "\n";
    return kExitFailure;
  }
  const actscope::ModelCard& card = model.value()->card();
  std::vector<actscope::InputImage> inputs;
  for (const auto& path : options.images) {
    auto image = actscope::load_image(path, card);
    if (!image) {
      std::cerr << "error: " << image.error() << "\n";
      return kExitFailure;
    }
    inputs.push_back(std::move(image).value());
  }
  auto logits = model.value()->logits(inputs);
  if (!logits) {
    std::cerr << "error: " << logits.error() << "\n";
    return kExitFailure;
  }
  nlohmann::json all = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto top = actscope::top_classes(logits.value()[i], options.top);
    if (options.json) {
      all.push_back(predictions_json(card, inputs[i], top));
    } else {
      print_predictions(card, inputs[i], top);
    }
  }
  if (options.json) std::cout << all.dump(2) << "\n";
  return 0;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  return shape.empty() ? "?" : actscope::shape_string(shape);
}

// Every image of a dataset: one CSV row each, the accuracy on stderr.
int run_predict_dataset(const PredictOptions& options, const actscope::Model& model) {
  const actscope::ModelCard& card = model.card();
  auto dataset = actscope::open_dataset(options.dataset, card);
  if (!dataset) return fail(dataset.error());
  ProgressLine progress(options.quiet, "predicting image");
  actscope::DatasetPredictOptions predict_options;
  predict_options.batch_size = options.batch;
  predict_options.progress = [&](size_t done, size_t total) { return progress(done, total); };
  auto predictions = actscope::predict_dataset(model, dataset.value(), predict_options);
  progress.finish();
  if (!predictions) return fail(predictions.error());
  std::string csv = "index,image,true_class,true_label,predicted_class,predicted_label,confidence,correct\n";
  const auto& images = dataset.value().images;
  for (size_t i = 0; i < images.size(); ++i) {
    const auto& p = predictions.value()[i];
    char confidence[32];
    std::snprintf(confidence, sizeof confidence, "%.6f", p.confidence);
    csv += std::to_string(i) + "," + csv_field(images[i].name) + "," + std::to_string(p.true_class) + "," +
           csv_field(card.label(p.true_class)) + "," + std::to_string(p.predicted_class) + "," +
           csv_field(card.label(p.predicted_class)) + "," + confidence + "," +
           (p.true_class == p.predicted_class ? "1" : "0") + "\n";
  }
  if (auto written = actscope::write_file_atomically(options.out, csv); !written)
    return fail(written.error());
  const double accuracy = actscope::accuracy(predictions.value());
  const size_t correct = actscope::count_correct(predictions.value());
  std::cerr << "accuracy " << std::fixed << std::setprecision(4) << accuracy << " (" << correct << "/"
            << images.size() << ") on " << dataset.value().source << "\n";
  return 0;
}

struct LayersOptions {
  CommonFlags common;
  std::string model;
  bool json = false;
};

int run_layers(const LayersOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/false);
  if (!model) {
    std::cerr << "error: " << model.error() << "\n";
    return kExitFailure;
  }
  const auto& layers = model.value()->layers();
  if (!model.value()->layers_notice().empty())
    std::cerr << "note: " << model.value()->layers_notice() << "\n";
  if (model.value()->card_source() == actscope::CardSource::kNone) {
    std::cerr << "note: the model has no card; give --input-size HxW to see output shapes\n";
  }
  if (options.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& layer : layers) {
      nlohmann::json entry = {{"name", layer.name},     {"kind", layer.kind},
                              {"parent", layer.parent}, {"module", layer.is_module},
                              {"shape", layer.shape},   {"capturable", layer.capturable}};
      if (!layer.capturable) entry["reason"] = layer.not_capturable_reason;
      all.push_back(entry);
    }
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  for (const auto& layer : layers) {
    std::cout << std::left << std::setw(36) << layer.name << " " << std::setw(20) << layer.kind << " "
              << std::setw(16) << shape_text(layer.shape);
    if (!layer.capturable) std::cout << " not capturable: " << layer.not_capturable_reason;
    std::cout << "\n";
  }
  return 0;
}

// Checks requested layer names; an unknown one is an error naming the closest.
actscope::Status check_layer_names(const actscope::Model& model, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (model.find_layer(name)) continue;
    std::string closest;
    for (const auto& candidate : actscope::closest_layer_names(model, name)) {
      closest += (closest.empty() ? "" : ", ") + candidate;
    }
    return actscope::Error{model.path() + ": unknown layer '" + name + "'; closest: " + closest +
                           " (actscope-cli layers lists them all)"};
  }
  return actscope::Done{};
}

struct ActivationsOptions {
  CommonFlags common;
  std::string model;
  std::string image;
  std::vector<std::string> layers;
  std::string out;
  std::string normalization = "filter";
  std::string colormap;
  int top = 0;
  bool sort = false;
  bool npy = false;
  bool quiet = false;
};

int run_activations(const ActivationsOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!model) return fail(model.error());
  if (auto names = check_layer_names(*model.value(), options.layers); !names) return fail(names.error());
  auto normalization = actscope::parse_normalization(options.normalization);
  if (!normalization) return fail(normalization.error());
  actscope::ExportOptions export_options;
  export_options.layers = options.layers;
  export_options.normalization = normalization.value();
  if (!options.colormap.empty()) {
    auto colormap = actscope::parse_colormap(options.colormap);
    if (!colormap) return fail(colormap.error());
    export_options.colormap = colormap.value();
  }
  export_options.top_k = options.top;
  export_options.sort_by_mean = options.sort;
  export_options.write_npy = options.npy;
  auto image = actscope::load_image(options.image, model.value()->card());
  if (!image) return fail(image.error());
  ProgressLine progress(options.quiet);
  export_options.progress = [&](size_t done, size_t total) { return progress(done, total); };
  auto summary =
      actscope::export_activations(*model.value(), image.value(), options.image, options.out, export_options);
  progress.finish();
  if (!summary) return fail(summary.error());
  if (summary.value().non_finite > 0) {
    std::cerr << "warning: " << summary.value().non_finite
              << " NaN/Inf values, drawn as 0 (see \"non_finite\" in " << summary.value().manifest_path
              << ")\n";
  }
  if (!options.quiet) {
    std::cerr << "wrote " << summary.value().layers_written << " layers and " << summary.value().manifest_path
              << "\n";
  }
  return 0;
}

struct WeightsOptions {
  CommonFlags common;
  std::string model;
  std::string layer;
  std::string out;
  std::string npy;
  std::string colormap = "gray";
  int expand = -1;
};

int run_weights(const WeightsOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/false);
  if (!model) return fail(model.error());
  if (auto names = check_layer_names(*model.value(), {options.layer}); !names) return fail(names.error());
  auto weights = model.value()->conv_weights(options.layer);
  if (!weights) return fail(model.value()->path() + ": " + weights.error());
  auto colormap = actscope::parse_colormap(options.colormap);
  if (!colormap) return fail(colormap.error());
  actscope::WeightGridOptions grid_options;
  grid_options.grid.colormap = colormap.value();
  grid_options.expand_filter = options.expand;
  auto grid = actscope::compose_weight_grid(weights.value(), grid_options);
  if (!grid) return fail(options.layer + ": " + grid.error());
  if (auto written = actscope::write_file_atomically(options.out, actscope::encode_png(grid.value().image));
      !written) {
    return fail(written.error());
  }
  if (!options.npy.empty()) {
    if (auto written = actscope::write_npy(options.npy, weights.value().data(), weights.value().shape());
        !written) {
      return fail(written.error());
    }
  }
  return 0;
}

struct CamCliOptions {
  CommonFlags common;
  std::string model;
  std::string image;
  std::vector<std::string> layers;
  std::string method = "gradcam";
  std::string target_class;
  std::string out;
  std::string npy;
  float image_weight = 0.5f;
  std::string colormap = "jet";
  int score_batch = 32;
  bool quiet = false;
};

// A class given as an index or as a label of the model card.
actscope::Result<int> parse_class(const std::string& text, const actscope::ModelCard& card) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](unsigned char c) { return std::isdigit(c) != 0; });
  if (digits) {
    int index = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (error != std::errc() || end != text.data() + text.size())
      return actscope::Error{"class '" + text + "' is out of range"};
    return index;
  }
  for (size_t i = 0; i < card.labels.size(); ++i) {
    if (card.labels[i] == text) return static_cast<int>(i);
  }
  std::string labels;
  for (const auto& label : card.labels) labels += (labels.empty() ? "" : ", ") + label;
  return actscope::Error{"unknown class '" + text + "': give an index or one of the card's labels" +
                         (labels.empty() ? std::string(" (the card has none)") : ": " + labels)};
}

int run_cam(const CamCliOptions& options) {
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const actscope::Model& model = *loaded.value();
  if (auto names = check_layer_names(model, options.layers); !names) return fail(names.error());
  std::vector<actscope::CamMethod> methods;
  const bool all = options.method == "all";
  if (all) {
    methods = actscope::all_cam_methods();
    if (!options.npy.empty()) {
      std::cerr << "error: --npy writes one map: choose one --method, not all\n";
      return kExitUsage;
    }
  } else {
    auto method = actscope::parse_cam_method(options.method);
    if (!method) return fail(method.error());
    methods.push_back(method.value());
  }
  auto colormap = actscope::parse_colormap(options.colormap);
  if (!colormap) return fail(colormap.error());
  auto image = actscope::load_image(options.image, model.card());
  if (!image) return fail(image.error());

  actscope::CamOptions cam_options;
  cam_options.layers = options.layers;
  cam_options.score_batch_size = options.score_batch;
  if (!options.target_class.empty()) {
    auto target = parse_class(options.target_class, model.card());
    if (!target) return fail(target.error());
    cam_options.target_class = target.value();
  }
  std::vector<actscope::RgbImage> pictures{image.value().display};
  actscope::FloatArray map;  // for --npy
  std::vector<std::string> captions{"input"};
  for (actscope::CamMethod method : methods) {
    cam_options.method = method;
    ProgressLine progress(options.quiet, actscope::to_string(method) + ": masked inputs");
    cam_options.progress = [&](size_t done, size_t total) { return progress(done, total); };
    auto result = compute_cam(model, {image.value()}, cam_options);
    progress.finish();
    if (!result) {
      // A sheet shows what could be computed; one method asked for must work.
      if (!all) return fail(result.error());
      std::cerr << "note: " << actscope::to_string(method) << ": " << result.error() << "\n";
      continue;
    }
    const actscope::CamResult& cam = result.value();
    const auto& shape = cam.map.shape();
    const int height = static_cast<int>(shape[1]);
    const int width = static_cast<int>(shape[2]);
    pictures.push_back(actscope::cam_overlay(image.value().display, cam.map.data(), height, width,
                                             colormap.value(), options.image_weight));
    captions.push_back(actscope::to_string(method));
    if (!options.quiet) {
      std::string layers;
      for (const auto& layer : cam.layers) layers += (layers.empty() ? "" : ", ") + layer.layer;
      std::cerr << actscope::to_string(method) << ": class " << cam.classes.front() << " ("
                << model.card().label(cam.classes.front()) << "), layer " << layers << "\n";
    }
    if (!options.npy.empty()) map = cam.map;
  }
  if (all && pictures.size() == 1) return fail(options.model + ": no CAM method could be computed");
  const actscope::RgbImage picture = all ? actscope::compose_sheet(pictures, captions) : pictures.back();
  if (auto written = actscope::write_file_atomically(options.out, actscope::encode_png(picture)); !written)
    return fail(written.error());
  if (!options.npy.empty()) {
    const auto& shape = map.shape();
    if (auto written = actscope::write_npy(options.npy, map.data(), {shape[1], shape[2]}); !written) {
      std::remove(options.out.c_str());  // both files or neither
      return fail(written.error());
    }
  }
  return 0;
}

struct CompareOptions {
  CommonFlags common;
  std::string model;
  std::vector<std::string> images;
  std::string layer;
  std::string out;
  std::vector<std::string> true_classes;  // A's, then B's (label or index)
  int top = 6;
};

// Compares two images at one layer: their grids on a shared scale, the
// difference grid, ranking.json, a sheet with both images and their CAMs,
// and manifest.json (written last) in the existing folder `out`.
int run_compare(const CompareOptions& options) {
  if (options.images.size() != 2) {
    std::cerr << "error: compare takes exactly two --image (A and B)\n";
    return kExitUsage;
  }
  if (options.true_classes.size() > 2) {
    std::cerr << "error: --true takes A's true class, then B's\n";
    return kExitUsage;
  }
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const actscope::Model& model = *loaded.value();
  if (auto names = check_layer_names(model, {options.layer}); !names) return fail(names.error());
  if (!std::filesystem::is_directory(options.out)) return fail(options.out + ": no such folder");
  const actscope::ModelCard& card = model.card();
  std::vector<actscope::InputImage> inputs;
  for (const auto& path : options.images) {
    auto image = actscope::load_image(path, card);
    if (!image) return fail(image.error());
    inputs.push_back(std::move(image).value());
  }
  auto captured = model.capture(inputs, actscope::CaptureOptions{{options.layer}});
  if (!captured) return fail(captured.error());
  const actscope::FloatArray& values = captured.value().activations.at(0).values;
  auto comparison = actscope::compare_layer(values, values, 0, 1);
  if (!comparison) return fail(options.layer + ": " + comparison.error());
  // Each image's prediction and its Grad-CAM for the predicted and the true class.
  std::vector<actscope::ImageExplanation> explained;
  for (int i = 0; i < 2; ++i) {
    int true_class = -1;
    if (i < static_cast<int>(options.true_classes.size())) {
      auto parsed = parse_class(options.true_classes[i], card);
      if (!parsed) return fail(parsed.error());
      true_class = parsed.value();
    }
    auto image = actscope::explain_image(model, inputs[i], true_class);
    if (!image) return fail(options.images[i] + ": " + image.error());
    explained.push_back(std::move(image).value());
    if (!explained.back().cam_error.empty())
      std::cerr << "note: no Grad-CAM: " << explained.back().cam_error << "\n";
  }
  const auto figures = actscope::compose_comparison(card, options.layer, explained[0], explained[1],
                                                    comparison.value(), options.top);
  const auto& ranking = comparison.value().ranking;

  nlohmann::json filters = nlohmann::json::array();
  for (const auto& filter : ranking) {
    filters.push_back({{"filter", filter.filter},
                       {"mean_a", filter.mean_a},
                       {"mean_b", filter.mean_b},
                       {"difference", filter.difference}});
  }
  const nlohmann::json ranking_json = {{"layer", options.layer},
                                       {"image_a", options.images[0]},
                                       {"image_b", options.images[1]},
                                       {"order", "by |mean_a - mean_b|, largest first"},
                                       {"filters", filters}};
  const std::vector<std::pair<std::string, std::string>> files = {
      {"a.png", actscope::encode_png(figures.a.image)},
      {"b.png", actscope::encode_png(figures.b.image)},
      {"difference.png", actscope::encode_png(figures.difference.image)},
      {"sheet.png", actscope::encode_png(figures.sheet)},
      {"ranking.json", ranking_json.dump(2) + "\n"}};
  nlohmann::json written = nlohmann::json::object();
  for (const auto& [name, bytes] : files) {
    const std::string path = (std::filesystem::path(options.out) / name).string();
    if (auto done = actscope::write_file_atomically(path, bytes); !done) return fail(done.error());
    auto digest = actscope::sha256_of_file(path);
    written[name] = digest ? digest.value() : "";
  }
  nlohmann::json images = nlohmann::json::array();
  for (int i = 0; i < 2; ++i) {
    const actscope::ImageExplanation& image = explained[i];
    nlohmann::json entry = {{"path", std::filesystem::absolute(options.images[i]).string()},
                            {"predicted_class", image.predicted.class_index},
                            {"predicted_label", card.label(image.predicted.class_index)},
                            {"confidence", image.predicted.probability},
                            {"cam_layer", image.cam_layer}};
    if (image.true_class >= 0) {
      entry["true_class"] = image.true_class;
      entry["true_label"] = card.label(image.true_class);
    }
    images.push_back(entry);
  }
  const nlohmann::json manifest = {{"actscope", actscope::version()},
                                   {"model", std::filesystem::absolute(options.model).string()},
                                   {"layer", options.layer},
                                   {"images", images},
                                   {"normalization", "per filter, one range shared by A and B"},
                                   {"difference_scale", comparison.value().difference_scale},
                                   {"files_sha256", written}};
  const std::string manifest_path = (std::filesystem::path(options.out) / "manifest.json").string();
  if (auto done = actscope::write_file_atomically(manifest_path, manifest.dump(2) + "\n"); !done)
    return fail(done.error());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"actscope-cli: activation maps, filter weights and class activation maps of TorchScript CNNs"};
  app.set_version_flag("--version", "actscope-cli " + actscope::version());
  app.require_subcommand(1);
  int exit_code = 0;

  PredictOptions predict;
  auto* predict_command = app.add_subcommand("predict", "Top-K classes of each image");
  predict_command->add_option("--model", predict.model, "TorchScript model (.pt)")->required();
  predict_command->add_option("--image", predict.images, "Image file (repeatable)");
  predict_command->add_option("--dataset", predict.dataset,
                              "A folder of class folders, or an IDX image/label pair (file or folder)");
  predict_command->add_option("--out", predict.out, "With --dataset: the CSV to write");
  predict_command->add_option("--batch", predict.batch, "With --dataset: images per forward (default 256)")
      ->check(CLI::PositiveNumber);
  predict_command->add_flag("--quiet", predict.quiet, "No progress line");
  predict_command->add_option("--top", predict.top, "Number of classes to list")->check(CLI::PositiveNumber);
  predict_command->add_flag("--json", predict.json, "Print JSON instead of text");
  predict.common.add_to(predict_command);
  predict_command->callback([&] { exit_code = run_predict(predict); });

  LayersOptions layers;
  auto* layers_command = app.add_subcommand("layers", "List every layer (capture point) of a model");
  layers_command->add_option("--model", layers.model, "TorchScript model (.pt)")->required();
  layers_command->add_flag("--json", layers.json, "Print JSON instead of text");
  layers.common.add_to(layers_command);
  layers_command->callback([&] { exit_code = run_layers(layers); });

  ActivationsOptions activations;
  auto* activations_command =
      app.add_subcommand("activations", "Write one grid PNG per layer (.npy with --npy) and manifest.json");
  activations_command->add_option("--model", activations.model, "TorchScript model (.pt)")->required();
  activations_command->add_option("--image", activations.image, "Image file")->required();
  activations_command->add_option("--layer", activations.layers,
                                  "Layer name (repeatable; default: all layers)");
  activations_command->add_option("--out", activations.out, "Existing output folder")->required();
  activations_command->add_option("--norm", activations.normalization, "filter (default), layer or signed")
      ->check(CLI::IsMember({"filter", "layer", "signed"}));
  activations_command->add_option(
      "--colormap", activations.colormap,
      "gray, viridis (default), inferno, magma, jet, turbo, coolwarm (default for signed)");
  activations_command->add_option("--top", activations.top, "Show the K most active filters of each layer");
  activations_command->add_flag("--sort", activations.sort, "Order tiles by mean activation, highest first");
  activations_command->add_flag("--npy", activations.npy, "Also write the raw maps as .npy");
  activations_command->add_flag("--quiet", activations.quiet, "No progress line");
  activations.common.add_to(activations_command);
  activations_command->callback([&] { exit_code = run_activations(activations); });

  WeightsOptions weights;
  auto* weights_command = app.add_subcommand("weights", "Write a conv layer's filter weights as a grid PNG");
  weights_command->add_option("--model", weights.model, "TorchScript model (.pt)")->required();
  weights_command->add_option("--layer", weights.layer, "Conv2d layer name")->required();
  weights_command->add_option("--out", weights.out, "Output PNG file")->required();
  weights_command->add_option("--npy", weights.npy, "Also write the raw weights [out, in, kh, kw] as .npy");
  weights_command->add_option("--colormap", weights.colormap,
                              "For filters with other than 3 inputs (default gray)");
  weights_command->add_option("--expand", weights.expand, "Show this filter's input-channel kernels");
  weights.common.add_to(weights_command);
  weights_command->callback([&] { exit_code = run_weights(weights); });

  CamCliOptions cam;
  auto* cam_command =
      app.add_subcommand("cam", "Write a class activation map (Grad-CAM and family) over the image");
  cam_command->add_option("--model", cam.model, "TorchScript model (.pt)")->required();
  cam_command->add_option("--image", cam.image, "Image file")->required();
  cam_command->add_option("--layer", cam.layers,
                          "Layer with [N, C, h, w] output (repeatable: the mean of the layers' maps; "
                          "default: the last such layer)");
  cam_command->add_option(
      "--method", cam.method,
      "gradcam (default), hirescam, gradcam++, xgradcam, layercam, eigencam, scorecam, cam, "
      "or all (a sheet with every method side by side)");
  cam_command->add_option(
      "--class", cam.target_class,
      "Target class: an index or a label of the model card (default: the predicted class)");
  cam_command->add_option("--out", cam.out, "Output PNG: the heatmap over the image")->required();
  cam_command->add_option("--npy", cam.npy, "Also write the final [H, W] float32 map on [0, 1] as .npy");
  cam_command
      ->add_option("--image-weight", cam.image_weight, "Weight of the image in the overlay (default 0.5)")
      ->check(CLI::Range(0.0f, 1.0f));
  cam_command->add_option("--colormap", cam.colormap, "Heatmap colormap (default jet)");
  cam_command
      ->add_option("--score-batch", cam.score_batch, "Score-CAM: masked inputs per forward (default 32)")
      ->check(CLI::PositiveNumber);
  cam_command->add_flag("--quiet", cam.quiet, "No progress or summary on stderr");
  cam.common.add_to(cam_command);
  cam_command->callback([&] { exit_code = run_cam(cam); });

  CompareOptions compare;
  auto* compare_command =
      app.add_subcommand("compare", "Compare two images at one layer: grids, difference, ranking");
  compare_command->add_option("--model", compare.model, "TorchScript model (.pt)")->required();
  compare_command->add_option("--image", compare.images, "Image A, then image B")->required();
  compare_command->add_option("--layer", compare.layer, "Layer name")->required();
  compare_command->add_option("--out", compare.out, "Existing output folder")->required();
  compare_command->add_option("--true", compare.true_classes,
                              "True class of A, then of B (label or index): the sheet adds its Grad-CAM");
  compare_command->add_option("--top", compare.top, "Most different filters shown on the sheet")
      ->check(CLI::Range(0, 64));
  compare.common.add_to(compare_command);
  compare_command->callback([&] { exit_code = run_compare(compare); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, the version, or what is wrong
    return code == 0 ? 0 : kExitUsage;
  } catch (const std::exception& e) {
    // Core returns errors as values; this is the last guard against a crash.
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
  return exit_code;
}
