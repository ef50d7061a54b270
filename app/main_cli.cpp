// actscope-cli: the command-line front end, for scripts and servers.
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/image_input.h"
#include "core/model.h"
#include "core/version.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNotAvailable = 2;

// Flags every subcommand that runs a model takes.
struct CommonFlags {
  actscope::CardOverrides card;
  int threads = 0;

  void add_to(CLI::App* command) {
    command->add_option("--input-size", card.input_size, "Input height x width, e.g. 224x224 (overrides the card)");
    command->add_option("--channels", card.channels, "Input channels, 1 or 3 (overrides the card)")
        ->check(CLI::IsMember({1, 3}));
    command->add_option("--mean", card.mean, "Mean, one value or one per channel (overrides the card)")
        ->delimiter(',');
    command->add_option("--std", card.std, "Std, one value or one per channel (overrides the card)")
        ->delimiter(',');
    command->add_option("--threads", threads, "Intra-op threads (default: all cores)")->check(CLI::PositiveNumber);
  }
};

// Loads the model and applies the common flags. With `card_required`, a
// model whose input size is still unknown is an error that says what to type.
actscope::Result<std::unique_ptr<actscope::Model>> load_for_cli(const std::string& path, const CommonFlags& flags,
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
  int top = 5;
  bool json = false;
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
    classes.push_back({{"class", score.class_index}, {"label", card.label(score.class_index)},
                       {"probability", score.probability}});
  }
  return {{"image", image.name}, {"top", classes}};
}

int run_predict(const PredictOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
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
  if (shape.empty()) return "?";
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "x" : "") + std::to_string(shape[i]);
  return text;
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
  if (!model.value()->layers_notice().empty()) std::cerr << "note: " << model.value()->layers_notice() << "\n";
  if (model.value()->card_source() == actscope::CardSource::kNone) {
    std::cerr << "note: the model has no card; give --input-size HxW to see output shapes\n";
  }
  if (options.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& layer : layers) {
      nlohmann::json entry = {{"name", layer.name},   {"kind", layer.kind},
                              {"parent", layer.parent}, {"module", layer.is_module},
                              {"shape", layer.shape}, {"capturable", layer.capturable}};
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

// Subcommands whose issues have not landed yet: listed in --help, refuse to run.
void add_pending(CLI::App& app, const char* name, const char* description, int& exit_code) {
  auto* command = app.add_subcommand(name, std::string(description) + " (not yet available)");
  command->allow_extras();
  command->callback([name, &exit_code] {
    std::cerr << "actscope-cli " << name << ": not yet available in this version\n";
    exit_code = kExitNotAvailable;
  });
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
  predict_command->add_option("--image", predict.images, "Image file (repeatable)")->required();
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

  add_pending(app, "export", "Write activation grids, .npy files and a manifest", exit_code);
  add_pending(app, "weights", "Write conv filter weight grids", exit_code);
  add_pending(app, "cam", "Write class activation maps (Grad-CAM and family)", exit_code);
  add_pending(app, "compare", "Compare two images layer by layer", exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, the version, or what is wrong
    return code == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
