// weights: a conv layer's filter weights as a grid PNG, and the raw weights
// as .npy with --npy.
#include "app/cli/commands.h"

#include "core/io/atomic_file.h"
#include "core/io/npy_writer.h"
#include "core/maps/filter_weights.h"

namespace actscope::cli {

int run_weights(const WeightsOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/false);
  if (!model) return fail(model.error());
  if (auto names = check_layer_names(*model.value(), {options.layer}); !names) return fail(names.error());
  auto weights = model.value()->conv_weights(options.layer);
  if (!weights) return fail(model.value()->path() + ": " + weights.error());
  auto colormap = parse_colormap(options.colormap);
  if (!colormap) return fail(colormap.error());
  WeightGridOptions grid_options;
  grid_options.grid.colormap = colormap.value();
  grid_options.expand_filter = options.expand;
  auto grid = compose_weight_grid(weights.value(), grid_options);
  if (!grid) return fail(options.layer + ": " + grid.error());
  for (const std::string& file : {options.out, options.npy}) {
    if (auto folder = make_output_parent(file); !folder) return fail(folder.error());
  }
  if (auto written = write_file_atomically(options.out, encode_png(grid.value().image)); !written)
    return fail(written.error());
  if (!options.npy.empty()) {
    if (auto written = write_npy(options.npy, weights.value().data(), weights.value().shape()); !written)
      return fail(written.error());
  }
  return 0;
}

}  // namespace actscope::cli
