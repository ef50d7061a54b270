// activations: one grid PNG per layer (and .npy with --npy) and manifest.json
// in an existing folder. With many images, they go through the model in
// batches and each one's files go to a folder of its own, <out>/<name>/,
// beside a manifest of the run.
#include "app/cli/commands.h"

#include <filesystem>
#include <iostream>

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

// The many-image run; a bad image is reported and skipped (exit code 1 at the end).
int run_activations_many(const ActivationsOptions& options, const Model& model, const ExportOptions& export_options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(options.out, ec))
    return fail(options.out + ": with more than one image, --out must be an existing folder");
  auto run = select_images(options.images, model, options.quiet);
  if (!run) return fail(run.error());
  const auto& images = run.value().images;
  CaptureOptions capture_options;
  capture_options.layers = options.layers;
  std::vector<nlohmann::json> entries(images.size());  // in run order
  int skipped = 0;
  ProgressLine progress(options.quiet, "activations: image");
  const auto batch_size = static_cast<size_t>(options.images.batch);
  for (size_t first = 0; first < images.size(); first += batch_size) {
    const size_t end = std::min(images.size(), first + batch_size);
    RunBatch batch = read_run_batch(run.value(), first, end, model.card(), entries, skipped);
    const std::vector<InputImage>& inputs = batch.inputs;
    const std::vector<size_t>& which = batch.which;
    if (inputs.empty()) continue;
    auto captured = model.capture(inputs, capture_options);
    if (!captured) return fail(captured.error());
    const FloatArray& logits = captured.value().logits;
    const int classes = logits.dim() == 2 ? static_cast<int>(logits.shape()[1]) : 0;
    for (size_t b = 0; b < inputs.size(); ++b) {
      const SelectedImage& image = images[which[b]];
      const std::string folder = options.out + "/" + image.stem;
      std::filesystem::create_directory(folder, ec);
      if (ec) return fail(folder + ": cannot be made (" + ec.message() + ")");
      auto summary = export_captured(model, captured.value(), b, inputs[b], image.source, folder, export_options);
      if (!summary) return fail(summary.error());  // an unwritable folder fails every image alike
      warn_non_finite(summary.value());
      nlohmann::json entry = run_image_entry(image, model.card(), logits.data() + b * classes, classes);
      entry["folder"] = image.stem;
      entry["layers"] = summary.value().layers_written;
      entries[which[b]] = std::move(entry);
    }
    progress(end, images.size());
  }
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
  auto image = load_image(options.images.images.front(), model.value()->card());
  if (!image) return fail(image.error());
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
