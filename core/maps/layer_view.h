// The maps room: turning numbers into pictures: normalization
// (normalization.h), colormaps and grids (grid.h), one layer drawn (here),
// conv weights (filter_weights.h) and CAM pictures (cam_render.h). It reads
// captures and the model's layer list; it runs no model.
//
// One image's output of one layer, drawn as a grid: the maps (or a vector as
// 1x1 maps), normalized as asked, colored and captioned with the model, the
// image and the layer. The desktop program's grids and the exported PNGs are
// both made here, so they are the same picture.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/maps/colorbar.h"
#include "core/maps/grid.h"
#include "core/maps/normalization.h"
#include "core/model/model.h"

namespace actscope {

// One image's maps of a layer: `count` maps of height x width, or a vector
// [F] as F maps of 1x1.
struct LayerMaps {
  const float* data = nullptr;  // inside the activation
  int count = 0, height = 1, width = 1;
  std::vector<int64_t> npy_shape;  // [C, H, W], or [F]
};

// Image `image` of a layer's activation ([N, C, h, w] or [N, F]); nullopt for
// other shapes or an image out of range.
std::optional<LayerMaps> layer_maps(const FloatArray& values, int64_t image);

struct ViewOptions {
  Normalization normalization = Normalization::kFilter;
  std::optional<Colormap> colormap;  // default: viridis, or coolwarm for kSigned
  bool sort_by_mean = false;
  int top_k = 0;  // see GridOptions::top_k
  std::vector<int> order;  // see GridOptions::order
};

// The colormap `options` draws with: its own, else viridis, or coolwarm for
// kSigned.
Colormap colormap_of(const ViewOptions& options);

// What a layer's colours mean under `options`: layer normalization spans the
// layer's raw minimum to maximum; filter normalization 0..1 of each filter's
// own range; signed normalization -1..1 of each filter's max|x|.
ColorScale layer_scale(const NormalizedMaps& maps, const ViewOptions& options);

// The same for one filter drawn alone (the enlarged view) in its own units:
// filter normalization spans its raw min..max, signed -max|x|..max|x|,
// layer normalization the layer's range.
ColorScale filter_scale(const NormalizedMaps& maps, int filter, const ViewOptions& options);

// One image's maps of one layer, drawn as the exported PNG is.
struct LayerView {
  NormalizedMaps maps;         // every filter, normalized, with its raw statistics
  const float* raw = nullptr;  // the raw maps (count x height x width), inside the activation
  Grid grid;                   // the shown filters, captioned, with the scale's colour bar under the tiles
  ColorScale scale;            // what the colours mean
};

// Draws image `image` of `activation` (a [N, C, h, w] or [N, F] layer) with
// the caption the exported PNG has (`image_name` is the image's file name).
// `raw` stays valid while `activation` lives. Any thread.
Result<LayerView> render_layer(const Model& model, const LayerActivation& activation, int64_t image,
                               const std::string& image_name, const ViewOptions& options);

}  // namespace actscope
