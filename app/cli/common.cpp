#include "app/cli/common.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>

#include "core/io/atomic_file.h"
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

namespace {

std::optional<long> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0') return std::nullopt;
  return value;
}

}  // namespace

Result<Shard> resolve_shard(const std::string& flag, int shards) {
  if (!flag.empty()) {
    Shard shard;
    char slash = 0;
    std::istringstream text(flag);
    if (!(text >> shard.index >> slash >> shard.count) || slash != '/' || !text.eof() || shard.count < 1 ||
        shard.index < 0 || shard.index >= shard.count) {
      return Error{"--shard '" + flag + "': expected k/N with 0 <= k < N"};
    }
    return shard;
  }
  if (auto task = env_number("SLURM_ARRAY_TASK_ID")) {
    const auto first = env_number("SLURM_ARRAY_TASK_MIN").value_or(0);
    const auto step = env_number("SLURM_ARRAY_TASK_STEP").value_or(1);
    const auto count = env_number("SLURM_ARRAY_TASK_COUNT");
    if (!count || step < 1 || (*task - first) % step != 0) {
      return Error{"a Slurm array task without a usable SLURM_ARRAY_TASK_COUNT/MIN/STEP; give --shard k/N"};
    }
    return Shard{static_cast<int>((*task - first) / step), static_cast<int>(*count)};
  }
  if (auto index = env_number("JOB_COMPLETION_INDEX"); index && shards > 0) {
    if (*index < 0 || *index >= shards) {
      return Error{"JOB_COMPLETION_INDEX " + std::to_string(*index) + " is not below --shards " +
                   std::to_string(shards)};
    }
    return Shard{static_cast<int>(*index), shards};
  }
  if (shards > 1) return Error{"--shards needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or --shard"};
  return Shard{};
}


int write_output_file(const std::string& folder, const std::string& name, const std::string& bytes) {
  if (auto made = make_output_folder(folder); !made) return fail(made.error());
  const std::string path = (std::filesystem::path(folder) / name).string();
  if (auto written = write_file_atomically(path, bytes); !written) return fail(written.error());
  std::cerr << "wrote " << path << "\n";
  return 0;
}

// "Y,X" as two non-negative integers.
Result<std::pair<int64_t, int64_t>> parse_unit(const std::string& text) {
  const auto comma = text.find(',');
  const Error bad{"--unit '" + text + "': expected the unit's row and column as Y,X (for example 3,5)"};
  if (comma == std::string::npos) return bad;
  try {
    size_t used_y = 0;
    size_t used_x = 0;
    const std::string y_text = text.substr(0, comma);
    const std::string x_text = text.substr(comma + 1);
    const long long y = std::stoll(y_text, &used_y);
    const long long x = std::stoll(x_text, &used_x);
    if (used_y != y_text.size() || used_x != x_text.size() || y < 0 || x < 0) return bad;
    return std::make_pair(static_cast<int64_t>(y), static_cast<int64_t>(x));
  } catch (const std::exception&) {
    return bad;
  }
}

}  // namespace actscope::cli
