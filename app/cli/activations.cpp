// activations: one grid PNG per layer (and .npy with --npy) and manifest.json
// in an existing folder. With many images, they go through the model in
// batches and each one's files go to a folder of its own, <out>/<name>/,
// beside a manifest of the run.
#include "app/cli/commands.h"

#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

#include "core/export/layer_export.h"
#include "core/model/image_input.h"

namespace actscope::cli {
namespace {

// The export options the flags ask for, or the error of a bad name.
Result<ExportOptions> export_options_of(const ActivationsOptions& options) {
  auto normalization = parse_normalization(options.normalization);
  if (!normalization) return Error{normalization.error()};
  ExportOptions export_options;
  export_options.layers = options.layers;
  export_options.view.normalization = normalization.value();
  if (!options.colormap.empty()) {
    auto colormap = parse_colormap(options.colormap);
    if (!colormap) return Error{colormap.error()};
    export_options.view.colormap = colormap.value();
  }
  export_options.view.top_k = options.top;
  export_options.view.sort_by_mean = options.sort;
  export_options.write_npy = options.npy;
  return export_options;
}

void warn_non_finite(const ExportSummary& summary) {
  if (summary.non_finite > 0) {
    std::cerr << "warning: " << summary.non_finite << " NaN/Inf values, drawn as 0 (see \"non_finite\" in "
              << summary.manifest_path << ")\n";
  }
}

// Writes each image of a captured batch into <out>/<stem>/ and fills its
// entry of the run manifest (`entries`, in run order: each batch fills its
// own elements).
Status write_batch_folders(const CaptureResult& captured, const RunBatch& batch,
                           const std::vector<SelectedImage>& images, const Model& model, const std::string& out,
                           const ExportOptions& export_options, std::vector<nlohmann::json>& entries) {
  const FloatArray& logits = captured.logits;
  const int classes = logits.dim() == 2 ? static_cast<int>(logits.shape()[1]) : 0;
  for (size_t b = 0; b < batch.inputs.size(); ++b) {
    const SelectedImage& image = images[batch.which[b]];
    const std::string folder = out + "/" + image.stem;
    std::error_code made;
    std::filesystem::create_directory(folder, made);
    if (made) return Error{folder + ": cannot be made (" + made.message() + ")"};
    auto summary = export_captured(model, captured, b, batch.inputs[b], image.source, folder, export_options);
    if (!summary) return Error{summary.error()};  // an unwritable folder fails every image alike
    warn_non_finite(summary.value());
    nlohmann::json entry = run_image_entry(image, model.card(), logits.data() + b * classes, classes);
    entry["folder"] = image.stem;
    entry["layers"] = summary.value().layers_written;
    entries[batch.which[b]] = std::move(entry);
  }
  return Done{};
}

// The many-image run; a bad image is reported and skipped (exit code 1 at the end).
int run_activations_many(const ActivationsOptions& options, const Model& model, const ExportOptions& export_options) {
  if (auto folder = make_output_folder(options.out); !folder) return fail(folder.error());
  auto run = select_images(options.images, model, options.quiet);
  if (!run) return fail(run.error());
  const auto& images = run.value().images;
  CaptureOptions capture_options;
  capture_options.layers = options.layers;
  std::vector<nlohmann::json> entries(images.size());  // in run order
  int skipped = 0;
  ProgressLine progress(options.quiet, "activations: image");
  // With cores to spare (twice the engine's threads or more), a batch's
  // files are written on threads of their own while the next batch goes
  // through the model; at most one batch waits to be written (on 2 cores at
  // --threads 1: 0.95x the time). Without spare cores both would share
  // them, and that was slower (on 2 cores at 2 threads: 1.3x), so the
  // batches take turns.
  const bool overlap = 2 * static_cast<unsigned>(thread_count()) <= std::thread::hardware_concurrency();
  std::future<Status> writing;
  size_t written_end = 0;  // images up to here are written
  const auto wait_for_writing = [&]() -> Status {
    if (!writing.valid()) return Done{};
    Status status = writing.get();
    if (status) progress(written_end, images.size());
    return status;
  };
  const auto batch_size = static_cast<size_t>(options.images.batch);
  for (size_t first = 0; first < images.size(); first += batch_size) {
    const size_t end = std::min(images.size(), first + batch_size);
    RunBatch batch = read_run_batch(run.value(), first, end, model.card(), entries, skipped);
    if (batch.inputs.empty()) continue;
    auto captured = model.capture(batch.inputs, capture_options);
    if (auto written = wait_for_writing(); !written) return fail(written.error());
    if (!captured) return fail(captured.error());
    auto result = std::make_shared<CaptureResult>(std::move(captured).value());
    auto write_batch = [&, result, batch = std::move(batch)]() -> Status {
      return write_batch_folders(*result, batch, images, model, options.out, export_options, entries);
    };
    written_end = end;
    if (overlap) {
      writing = std::async(std::launch::async, std::move(write_batch));
    } else {
      std::promise<Status> now;
      now.set_value(write_batch());
      writing = now.get_future();
    }
  }
  if (auto written = wait_for_writing(); !written) return fail(written.error());
  progress.finish();
  const nlohmann::json settings = {{"command", "activations"},
                                   {"layers", options.layers},
                                   {"normalization", options.normalization},
                                   {"colormap", options.colormap},
                                   {"top", options.top},
                                   {"sort", options.sort},
                                   {"npy", options.npy},
                                   {"batch", options.images.batch}};
  if (auto written = write_run_manifest(options.out, model, settings, nlohmann::json(entries)); !written)
    return fail(written.error());
  if (!options.quiet) {
    std::cerr << "wrote " << images.size() - skipped << " of " << images.size() << " images and "
              << options.out << "/manifest.json\n";
  }
  return skipped > 0 ? kExitFailure : 0;
}

}  // namespace

int run_activations(const ActivationsOptions& options) {
  if (const std::string problem = options.images.usage_problem(); !problem.empty()) return usage_error(problem);
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!model) return fail(model.error());
  if (auto names = check_layer_names(*model.value(), options.layers); !names) return fail(names.error());
  auto export_options = export_options_of(options);
  if (!export_options) return fail(export_options.error());
  if (options.images.many()) return run_activations_many(options, *model.value(), export_options.value());
  auto image = read_image(options.images.images.front(), model.value()->card());
  if (!image) return fail(image.error());
  if (auto folder = make_output_folder(options.out); !folder) return fail(folder.error());
  ProgressLine progress(options.quiet);
  export_options.value().progress = progress.callback();
  auto summary =
      export_activations(*model.value(), image.value(), options.images.images.front(), options.out,
                         export_options.value());
  progress.finish();
  if (!summary) return fail(summary.error());
  warn_non_finite(summary.value());
  if (!options.quiet) {
    std::cerr << "wrote " << summary.value().layers_written << " layers and " << summary.value().manifest_path
              << "\n";
  }
  return 0;
}

}  // namespace actscope::cli
