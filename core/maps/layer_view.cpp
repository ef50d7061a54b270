#include "core/maps/layer_view.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <utility>

namespace actscope {

std::optional<LayerMaps> layer_maps(const FloatArray& values, int64_t image) {
  const auto& shape = values.shape();
  if (shape.empty() || image < 0 || image >= shape[0]) return std::nullopt;
  LayerMaps maps;
  if (shape.size() == 4) {
    maps.count = static_cast<int>(shape[1]);
    maps.height = static_cast<int>(shape[2]);
    maps.width = static_cast<int>(shape[3]);
    maps.npy_shape = {shape[1], shape[2], shape[3]};
  } else if (shape.size() == 2) {
    maps.count = static_cast<int>(shape[1]);
    maps.npy_shape = {shape[1]};
  } else {
    return std::nullopt;
  }
  maps.data = values.data() + image * static_cast<int64_t>(maps.count) * maps.height * maps.width;
  return maps;
}

Colormap colormap_of(const ViewOptions& options) {
  return options.colormap.value_or(options.normalization == Normalization::kSigned ? Colormap::kCoolwarm
                                                                                   : Colormap::kViridis);
}

ColorScale layer_scale(const NormalizedMaps& maps, const ViewOptions& options) {
  ColorScale scale{colormap_of(options), 0.0, 1.0, "each filter from its own min (0) to max (1)"};
  if (options.normalization == Normalization::kSigned) {
    scale.low = -1.0;
    scale.title = "each filter: x / its max|x| (0 in the middle)";
  } else if (options.normalization == Normalization::kLayer && !maps.stats.empty()) {
    scale.low = maps.stats.front().min;
    scale.high = maps.stats.front().max;
    for (const FilterStats& stats : maps.stats) {
      scale.low = std::min<double>(scale.low, stats.min);
      scale.high = std::max<double>(scale.high, stats.max);
    }
    scale.title = "the layer's values";
  }
  return scale;
}

ColorScale filter_scale(const NormalizedMaps& maps, int filter, const ViewOptions& options) {
  ColorScale scale = layer_scale(maps, options);
  if (options.normalization == Normalization::kLayer || filter < 0 ||
      filter >= static_cast<int>(maps.stats.size())) {
    return scale;
  }
  const FilterStats& stats = maps.stats[filter];
  if (options.normalization == Normalization::kSigned) {
    const double reach = std::max(std::abs(static_cast<double>(stats.min)), std::abs(static_cast<double>(stats.max)));
    scale.low = -reach;
    scale.high = reach;
  } else {
    scale.low = stats.min;
    scale.high = stats.max;
  }
  scale.title = "filter " + std::to_string(filter) + "'s values";
  return scale;
}

Result<LayerView> render_layer(const Model& model, const LayerActivation& activation, int64_t image,
                               const std::string& image_name, const ViewOptions& options) {
  auto maps = layer_maps(activation.values, image);
  if (!maps) {
    return Error{"layer '" + activation.name + "' has output " + shape_string(activation.values.shape()) +
                 ": neither maps nor a vector to draw"};
  }
  LayerView view;
  view.raw = maps->data;
  view.maps = normalize_maps(maps->data, maps->count, maps->height, maps->width, options.normalization);
  const Colormap colormap = colormap_of(options);
  const LayerInfo* info = model.find_layer(activation.name);
  GridOptions grid_options;
  grid_options.colormap = colormap;
  grid_options.sort_by_mean = options.sort_by_mean;
  grid_options.order = options.order;
  grid_options.top_k = options.top_k;
  grid_options.caption = {model.card().name + "  |  " + std::filesystem::path(image_name).filename().string(),
                          activation.name + " (" + (info ? info->kind : std::string("?")) + ")  " +
                              shape_string(activation.values.shape()) + "  |  " +
                              to_string(options.normalization) + ", " + to_string(colormap)};
  view.grid = compose_grid(view.maps, grid_options);
  view.scale = layer_scale(view.maps, options);
  // The bar goes under the tiles: their positions do not move.
  view.grid.image = with_colorbar(std::move(view.grid.image), view.scale);
  return view;
}

}  // namespace actscope
