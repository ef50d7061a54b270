// rf: one unit's effective receptive field (the gradient of the unit with
// respect to the input pixels) over the image, with the unit's theoretical
// field drawn as a box, and the field as .npy with --npy.
#include "app/cli/commands.h"

#include <cstdio>
#include <iostream>

#include "core/explain/field_figure.h"
#include "core/io/atomic_file.h"
#include "core/io/npy_writer.h"
#include "core/maps/grid.h"
#include "core/model/image_input.h"

namespace actscope::cli {

int run_rf(const RfOptions& options) {
  auto position = parse_unit(options.unit);
  if (!position) return usage_error(position.error());
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const Model& model = *loaded.value();
  if (auto names = check_layer_names(model, {options.layer}); !names) return fail(names.error());
  auto image = read_image(options.image, model.card());
  if (!image) return fail(image.error());
  const UnitRequest unit{options.layer, position.value().first, position.value().second, options.filter};
  auto field = effective_field(model, image.value(), unit);
  if (!field) return fail(field.error());
  const std::vector<std::string> caption = field_caption(unit, field.value());
  if (!options.quiet) {
    for (const auto& line : caption) std::cerr << line << "\n";
  }
  const RgbImage figure = field_figure(field.value(), image.value().display, caption);
  for (const std::string& file : {options.out, options.npy}) {
    if (auto folder = make_output_parent(file); !folder) return fail(folder.error());
  }
  if (auto written = write_file_atomically(options.out, encode_png(figure)); !written) return fail(written.error());
  if (!options.npy.empty()) {
    const auto& shape = field.value().map.shape();
    if (auto written = write_npy(options.npy, field.value().map.data(), {shape[0], shape[1]}); !written) {
      std::remove(options.out.c_str());
      return fail(written.error());
    }
  }
  return 0;
}

}  // namespace actscope::cli
