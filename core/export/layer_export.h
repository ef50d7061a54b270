// The export room: files a person can read and a script can reproduce, each
// written atomically and described by a manifest (manifest.h). Built on every
// other room; only the front ends use it.
//
// Exports what the engine captured as files a person can read and a script
// can reproduce: one grid PNG per layer, optionally the raw maps as .npy, and
// manifest.json describing how every file was made. Used by actscope-cli
// and by the desktop program's "Export all layers".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/io/png_writer.h"
#include "core/maps/layer_view.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

struct ExportOptions {
  std::vector<std::string> layers;  // empty: every capturable layer
  ViewOptions view;                 // how each layer is drawn (top_k 0: the default cap)
  bool write_npy = false;
  // How the grids' PNGs are compressed (core/io/png_writer.h); the
  // benchmark sets kGeneral to time the export with libdeflate alone.
  PngCompression png_compression = PngCompression::kAuto;
  // Called after each layer; returning false cancels (files written so far stay).
  std::function<bool(size_t done, size_t total)> progress;
};

struct ExportSummary {
  std::string manifest_path;
  size_t layers_written = 0;
  int64_t non_finite = 0;  // NaN/Inf values found (drawn as 0, counted per filter in the manifest)
};

// Captures `image` (loaded from `image_path`) once and writes the files
// into the existing folder `out_dir`. Every file is written atomically;
// manifest.json is written last. One call at a time per Model; any thread.
Result<ExportSummary> export_activations(const Model& model, const InputImage& image,
                                         const std::string& image_path, const std::string& out_dir,
                                         const ExportOptions& options);

// The same for image `index` of a batch already captured (the layers of
// `captured` are those written); `image` is that image. It does not run the
// model (it reads its layers, card and path), so it may run while the same
// model captures the next batch.
Result<ExportSummary> export_captured(const Model& model, const CaptureResult& captured, size_t index,
                                      const InputImage& image, const std::string& image_path,
                                      const std::string& out_dir, const ExportOptions& options);

// A layer name made safe as a file name ("layer1.0:add" -> "layer1.0_add").
std::string file_stem_for_layer(const std::string& layer_name);

}  // namespace actscope
