// timeline: a model across its training checkpoints (core/similarity):
// accuracy, dead and rarely active filters, CKA to the last checkpoint;
// DIR/timeline.json and DIR/timeline.png.
#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "core/data/dataset.h"
#include "core/maps/grid.h"
#include "core/similarity/timeline.h"
#include "core/similarity/timeline_json.h"
#include "core/similarity/timeline_plot.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

// The checkpoints in order: files as given, a folder's *.pt sorted naturally.
Result<std::vector<std::string>> checkpoint_paths(const std::vector<std::string>& given) {
  std::vector<std::string> paths;
  for (const std::string& path : given) {
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      paths.push_back(path);
      continue;
    }
    auto inside = checkpoint_files(path);
    if (!inside) return Error{inside.error()};
    paths.insert(paths.end(), inside.value().begin(), inside.value().end());
  }
  return paths;
}

}  // namespace

int run_timeline(const TimelineCliOptions& options) {
  auto paths = checkpoint_paths(options.checkpoints);
  if (!paths) return fail(paths.error());
  std::vector<std::unique_ptr<Model>> models;
  std::vector<const Model*> order;
  for (const std::string& path : paths.value()) {
    auto model = load_for_cli(path, options.common, /*card_required=*/true);
    if (!model) return fail(model.error());
    order.push_back(model.value().get());
    models.push_back(std::move(model).value());
  }
  auto dataset = open_dataset(options.dataset, models.back()->card());
  if (!dataset) return fail(dataset.error());
  TimelineOptions timeline;
  timeline.limit = options.limit;
  timeline.batch_size = options.batch;
  ProgressLine progress(options.quiet, "following image");
  timeline.progress = progress.callback();
  auto result = checkpoint_timeline(order, dataset.value(), timeline);
  progress.finish();
  if (!result) return fail(result.error());
  const Timeline& run = result.value();
  if (run.dropped > 0) {
    std::cerr << "note: CKA leaves out the last " << run.dropped << " images (a partial batch of " << options.batch
              << "); accuracy and filter fractions use every image\n";
  }
  const std::string title = "training run: " + std::to_string(run.checkpoints.size()) + " checkpoints, " +
                            std::to_string(run.dataset_images) + " images of " +
                            fs::path(run.dataset_path).filename().string() + " (CKA: " + std::to_string(run.images) +
                            " in batches of " + std::to_string(run.batch_size) + ")";
  const TimelinePicture picture = draw_timeline(run, title);
  if (const int written = write_output_file(options.out, "timeline.png", encode_png(picture.image)); written != 0) {
    return written;
  }
  if (const int written = write_output_file(options.out, "timeline.json", timeline_to_json(run)); written != 0) {
    return written;
  }
  for (const SkippedImage& image : run.skipped) std::cerr << "skipped: " << image.error << "\n";
  if (run.skipped.empty()) return 0;
  std::cerr << "error: " << run.skipped.size() << " images could not be read and were skipped (listed in timeline.json)\n";
  return kExitFailure;
}

}  // namespace actscope::cli
