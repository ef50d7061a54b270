// Exports what the engine captured as files a person can read and a script
// can reproduce: one grid PNG per layer, optionally the raw maps as .npy, and
// manifest.json describing how every file was made. Used by actscope-cli
// and by the desktop program's "Export all layers".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.h"
#include "core/image_input.h"
#include "core/model.h"
#include "core/normalization.h"
#include "core/result.h"

namespace actscope {

struct ExportOptions {
  std::vector<std::string> layers;  // empty: every capturable layer
  Normalization normalization = Normalization::kFilter;
  std::optional<Colormap> colormap;  // default: viridis, or coolwarm for kSigned
  bool sort_by_mean = false;
  int top_k = 0;  // see GridOptions::top_k
  bool write_npy = false;
  // Called after each layer; returning false cancels (files written so far stay).
  std::function<bool(size_t done, size_t total)> progress;
};

struct ExportSummary {
  std::string manifest_path;
  size_t layers_written = 0;
  int64_t non_finite = 0;  // NaN/Inf values found (drawn as 0, counted per filter in the manifest)
};

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
};

// One image's maps of one layer, drawn as the exported PNG is.
struct LayerView {
  NormalizedMaps maps;         // every filter, normalized, with its raw statistics
  const float* raw = nullptr;  // the raw maps (count x height x width), inside the activation
  Grid grid;                   // the shown filters, captioned
};

// Draws image `image` of `activation` (a [N, C, h, w] or [N, F] layer) with
// the caption the exported PNG has (`image_name` is the image's file name).
// `raw` stays valid while `activation` lives. Any thread.
Result<LayerView> render_layer(const Model& model, const LayerActivation& activation, int64_t image,
                               const std::string& image_name, const ViewOptions& options);

// Captures `image` (loaded from `image_path`) once and writes the files
// into the existing folder `out_dir`. Every file is written atomically;
// manifest.json is written last. One call at a time per Model; any thread.
Result<ExportSummary> export_activations(const Model& model, const InputImage& image,
                                         const std::string& image_path, const std::string& out_dir,
                                         const ExportOptions& options);

// A layer name made safe as a file name ("layer1.0:add" -> "layer1.0_add").
std::string file_stem_for_layer(const std::string& layer_name);

// The layer names closest to `name` (for "unknown layer" messages).
std::vector<std::string> closest_layer_names(const Model& model, const std::string& name, size_t count = 3);

}  // namespace actscope
