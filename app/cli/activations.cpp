// activations: one grid PNG per layer (and .npy with --npy) and manifest.json
// in an existing folder.
#include "app/cli/commands.h"

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

}  // namespace

int run_activations(const ActivationsOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!model) return fail(model.error());
  if (auto names = check_layer_names(*model.value(), options.layers); !names) return fail(names.error());
  auto export_options = export_options_of(options);
  if (!export_options) return fail(export_options.error());
  auto image = load_image(options.image, model.value()->card());
  if (!image) return fail(image.error());
  ProgressLine progress(options.quiet);
  export_options.value().progress = progress.callback();
  auto summary =
      export_activations(*model.value(), image.value(), options.image, options.out, export_options.value());
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

}  // namespace actscope::cli
