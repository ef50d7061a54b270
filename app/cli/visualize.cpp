// visualize: what each filter of a layer responds to most, optimized from a
// Fourier-parametrized image (core/visualize), written as PNGs, .npy inputs,
// a grid and manifest.json (core/export/visualization_export.h).
#include <iostream>

#include "app/cli/commands.h"
#include "core/data/image_selection.h"
#include "core/export/visualization_export.h"
#include "core/model/model_card.h"
#include "core/visualize/visualize.h"

namespace actscope::cli {
namespace {

// The filters asked for: --filter values then --filters ranges, else every
// filter of the layer. Errors name the flag.
Result<std::vector<int>> chosen_filters(const Model& model, const VisualizeCliOptions& options) {
  const LayerInfo* layer = model.find_layer(options.layer);
  const int64_t count = layer != nullptr && layer->shape.size() >= 2 ? layer->shape[1] : 0;
  std::vector<int> filters(options.filter.begin(), options.filter.end());
  if (!options.filters.empty()) {
    if (count == 0) return Error{"layer '" + options.layer + "': its filters are unknown; give --filter"};
    auto indices = parse_indices(options.filters, count);  // checked against the layer before spelled out
    if (!indices) {
      return Error{"--filters '" + options.filters + "': give filter indices of layer '" + options.layer +
                   "' (0.." + std::to_string(count - 1) + ") such as 0-15,20"};
    }
    filters.insert(filters.end(), indices.value().begin(), indices.value().end());
  }
  if (!filters.empty()) return filters;
  if (count == 0) return Error{"layer '" + options.layer + "': its filters are unknown; give --filter or --filters"};
  for (int64_t f = 0; f < count; ++f) filters.push_back(static_cast<int>(f));
  return filters;
}

Result<VisualizeOptions> request_of(const Model& model, const VisualizeCliOptions& options) {
  VisualizeOptions request;
  request.layer = options.layer;
  auto objective = parse_objective(options.objective);
  if (!objective) return Error{"--objective " + objective.error()};
  request.objective = objective.value();
  if (!options.unit.empty()) {
    if (request.objective != VisualObjective::kNeuron) return Error{"--unit is for --objective neuron"};
    auto unit = parse_unit(options.unit);
    if (!unit) return Error{unit.error()};
    request.unit = std::make_pair(static_cast<int>(unit.value().first), static_cast<int>(unit.value().second));
  }
  if (!options.size.empty()) {
    auto size = parse_input_size(options.size);
    if (!size || size->first < 1 || size->second < 1) {
      return Error{"--size '" + options.size + "' must look like 64x64 (height x width)"};
    }
    request.height = size->first;
    request.width = size->second;
  }
  request.steps = options.steps;
  request.seed = options.seed;
  request.negative = options.negative;
  request.batch = options.batch;
  if (request.objective == VisualObjective::kLayer && (!options.filter.empty() || !options.filters.empty())) {
    return Error{"--objective layer makes one image for the whole layer: give no --filter or --filters"};
  }
  if (request.objective != VisualObjective::kLayer) {
    auto filters = chosen_filters(model, options);
    if (!filters) return Error{filters.error()};
    request.filters = filters.value();
  }
  return request;
}

}  // namespace

int run_visualize(const VisualizeCliOptions& options) {
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const Model& model = *loaded.value();
  if (auto names = check_layer_names(model, {options.layer}); !names) return fail(names.error());
  auto request = request_of(model, options);
  if (!request) return fail(request.error());
  if (auto checked = check_visualize(model, request.value()); !checked) return fail(checked.error());
  ProgressLine progress(options.quiet, "optimizing step");
  auto images = visualize(model, request.value(), [&progress](int64_t done, int64_t total) {
    return progress(static_cast<size_t>(done), static_cast<size_t>(total));
  });
  progress.finish();
  if (!images) return fail(images.error());
  if (auto written = write_visualizations(model, request.value(), images.value(), options.npy, thread_count(),
                                          options.out);
      !written) {
    return fail(written.error());
  }
  if (!options.quiet) {
    for (const auto& image : images.value()) {
      std::cerr << options.layer << (image.filter >= 0 ? " filter " + std::to_string(image.filter) : std::string())
                << ": " << objective_name(request.value().objective) << " " << image.objective << "\n";
    }
    std::cerr << "wrote " << images.value().size() << " images in " << options.out << "\n";
  }
  return 0;
}

}  // namespace actscope::cli
