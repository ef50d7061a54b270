#include "app/cli/common.h"

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/model/layer_query.h"

namespace actscope::cli {

void CommonFlags::add_to(CLI::App* command) {
  command->add_option("--input-size,--crop", card.input_size,
                      "Input height x width, e.g. 224x224 (overrides the card); with --resize, the centre crop");
  command->add_option("--resize", card.resize,
                      "Shorter side to S pixels (bilinear, antialiased), then the centre crop to the input size, "
                      "as torchvision's Resize(S) + CenterCrop (overrides the card)")
      ->check(CLI::PositiveNumber);
  command->add_option("--channels", card.channels, "Input channels, 1 or 3 (overrides the card)")
      ->check(CLI::IsMember({1, 3}));
  command->add_option("--mean", card.mean, "Mean, one value or one per channel (overrides the card)")
      ->delimiter(',');
  command->add_option("--std", card.std, "Std, one value or one per channel (overrides the card)")
      ->delimiter(',');
  command->add_option("--labels", card.labels_file,
                      "Class names from a text file, one per line in logit order (overrides the card's)");
  command->add_option("--threads", threads, "Intra-op threads (default: all cores)")
      ->check(CLI::PositiveNumber);
}

Result<std::unique_ptr<Model>> load_for_cli(const std::string& path, const CommonFlags& flags,
                                            bool card_required) {
  if (flags.threads > 0) set_thread_count(flags.threads);
  auto model = Model::load(path);
  if (!model) return model;
  const int suggested = model.value()->inferred_channels().value_or(0);
  const bool has_card = model.value()->card_source() != CardSource::kNone;
  if (!has_card && !card_required && flags.card.empty()) return model;
  auto card = apply_card_overrides(model.value()->card(), flags.card, suggested);
  if (!card) {
    const std::string why = has_card ? "" : " (it has no card, actscope.json)";
    return Error{path + ": " + card.error() + why};
  }
  if (!flags.card.empty() || !has_card) model.value()->set_card(std::move(card).value());
  return model;
}

Result<InputImage> read_image(const std::string& path, const ModelCard& card) {
  auto image = load_image(path, card);
  if (image && !image.value().warning.empty()) std::cerr << "warning: " << image.value().warning << "\n";
  return image;
}

Status make_output_folder(const std::string& folder) {
  std::error_code error;
  if (std::filesystem::is_directory(folder, error)) return Done{};
  std::filesystem::create_directories(folder, error);
  if (error) return Error{folder + ": cannot make the folder (" + error.message() + ")"};
  return Done{};
}

Status make_output_parent(const std::string& file) {
  const std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (parent.empty()) return Done{};
  return make_output_folder(parent.string());
}

int fail(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitFailure;
}

int usage_error(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

Status check_layer_names(const Model& model, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (model.find_layer(name)) continue;
    return Error{unknown_layer_message(model, name) + " (actscope-cli layers lists them all)"};
  }
  return Done{};
}

ProgressLine::ProgressLine(bool quiet, std::string what)
    : quiet_(quiet), what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}

void ProgressLine::finish() {
  if (shown_) std::cerr << "\n";
  shown_ = false;
}

bool ProgressLine::operator()(size_t done, size_t total) {
  if (quiet_ || std::chrono::steady_clock::now() - start_ < std::chrono::seconds(1)) return true;
  std::cerr << "\r" << what_ << " " << done << "/" << total << std::flush;
  shown_ = true;
  return true;
}

std::function<bool(size_t, size_t)> ProgressLine::callback() {
  return [this](size_t done, size_t total) { return (*this)(done, total); };
}

}  // namespace actscope::cli
