// scan and merge: the filter atlas over a dataset, split across a cluster's
// scheduler when asked (Slurm array tasks, Kubernetes Indexed Jobs).
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "app/cli/commands.h"
#include "core/atlas/atlas_json.h"
#include "core/export/crops_export.h"
#include "core/atlas/scan.h"
#include "core/io/atomic_file.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

struct Shard {
  int index = 0;
  int count = 1;
};

std::optional<long> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return std::nullopt;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0') return std::nullopt;
  return value;
}

// "k/N" from the flag; else a Slurm array task's position among the array's
// tasks; else a Kubernetes Indexed Job's index of `--shards`; else the whole dataset.
Result<Shard> resolve_shard(const ScanCliOptions& options) {
  if (!options.shard.empty()) {
    Shard shard;
    char slash = 0;
    std::istringstream text(options.shard);
    if (!(text >> shard.index >> slash >> shard.count) || slash != '/' || !text.eof() || shard.count < 1 ||
        shard.index < 0 || shard.index >= shard.count) {
      return Error{"--shard '" + options.shard + "': expected k/N with 0 <= k < N"};
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
  if (auto index = env_number("JOB_COMPLETION_INDEX"); index && options.shards > 0) {
    if (*index < 0 || *index >= options.shards) {
      return Error{"JOB_COMPLETION_INDEX " + std::to_string(*index) + " is not below --shards " +
                   std::to_string(options.shards)};
    }
    return Shard{static_cast<int>(*index), options.shards};
  }
  if (options.shards > 1) return Error{"--shards needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or --shard"};
  return Shard{};
}

// Writes DIR/atlas.json (the folder is made when missing) atomically: a
// shard run again replaces its file whole.
int write_atlas(const Atlas& atlas, const std::string& out) {
  std::error_code error;
  fs::create_directories(out, error);
  if (error) return fail(out + ": cannot make the folder: " + error.message());
  const std::string path = (fs::path(out) / "atlas.json").string();
  if (auto written = write_file_atomically(path, atlas_to_json(atlas)); !written) return fail(written.error());
  std::cerr << "wrote " << path << "\n";
  return 0;
}

}  // namespace

int run_scan(const ScanCliOptions& options) {
  auto shard = resolve_shard(options);
  if (!shard) return usage_error(shard.error());
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!model) return fail(model.error());
  auto dataset = open_dataset(options.dataset, model.value()->card());
  if (!dataset) return fail(dataset.error());
  // A card without labels: the class folders' names name the classes (ImageFolder).
  model.value()->set_card(card_naming_classes(model.value()->card(), dataset.value()));
  ScanOptions scan;
  scan.layers = options.layers;
  scan.limit = options.limit;
  scan.top_k = options.top_k;
  scan.batch_size = options.batch;
  scan.shard = shard.value().index;
  scan.shards = shard.value().count;
  ProgressLine progress(options.quiet, "scanning image");
  scan.progress = progress.callback();
  auto atlas = scan_dataset(*model.value(), dataset.value(), scan);
  progress.finish();
  if (!atlas) return fail(atlas.error());
  if (const int written = write_atlas(atlas.value(), options.out); written != 0) return written;
  // Unreadable images were skipped: the scan went on; say which, and exit 1.
  for (const SkippedImage& image : atlas.value().skipped) std::cerr << "skipped: " << image.error << "\n";
  const int status = atlas.value().skipped.empty() ? 0 : kExitFailure;
  if (status != 0) {
    std::cerr << "error: " << atlas.value().skipped.size()
              << " images could not be read and were skipped (listed in atlas.json, \"dataset\": \"skipped\")\n";
  }
  if (!options.crops) return status;
  ProgressLine crops_progress(options.quiet, "writing crops of layer");
  auto tiles = write_atlas_crops(*model.value(), dataset.value(), atlas.value(), options.out, crops_progress.callback());
  crops_progress.finish();
  if (!tiles) return fail(tiles.error());
  std::cerr << "wrote " << tiles.value() << " crop tiles in " << (fs::path(options.out) / "crops").string() << "\n";
  return status;
}

int run_merge(const MergeOptions& options) {
  std::vector<Atlas> shards;
  for (const std::string& given : options.shards) {
    const fs::path path = fs::is_directory(given) ? fs::path(given) / "atlas.json" : fs::path(given);
    auto atlas = read_atlas(path.string());
    if (!atlas) return fail(atlas.error());
    shards.push_back(std::move(atlas).value());
  }
  auto merged = merge_atlases(shards);
  if (!merged) return fail(merged.error());
  return write_atlas(merged.value(), options.out);
}

}  // namespace actscope::cli
