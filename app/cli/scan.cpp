// scan: the filter atlas over a dataset, split across a cluster's
// scheduler when asked (Slurm array tasks, Kubernetes Indexed Jobs; merge.cpp joins the parts).
#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "core/atlas/atlas_json.h"
#include "core/export/crops_export.h"
#include "core/atlas/scan.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

// Writes DIR/atlas.json (the folder is made when missing) atomically: a
// shard run again replaces its file whole.
int write_atlas(const Atlas& atlas, const std::string& out) {
  return write_output_file(out, "atlas.json", atlas_to_json(atlas));
}

}  // namespace

int run_scan(const ScanCliOptions& options) {
  auto shard = resolve_shard(options.shard, options.shards);
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

}  // namespace actscope::cli
