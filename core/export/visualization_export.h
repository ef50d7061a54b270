// The files of a feature visualization run (actscope-cli visualize):
// DIR/<layer>/<filter>.png (the image in pixel space; "layer.png" for the
// layer objective), with npy DIR/<layer>/<filter>.npy (the model input,
// C x H x W float32, normalized as the model receives it), DIR/<layer>.png
// (every image of the run in one grid) and DIR/manifest.json (parameters,
// model digest, each filter's objective on its final image). <layer> is
// file_stem_for_layer's, as the activations export names layer files. Each
// file is written atomically, the manifest last; when one cannot be written
// the ones this call wrote are removed.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/maps/grid.h"
#include "core/model/model.h"
#include "core/visualize/visualize.h"

namespace actscope {

// The grid of a run's images (tiles in the run's order, enlarged to at least
// min_tile pixels) under a caption naming the layer, objective and steps.
Grid visualization_grid(const VisualizeOptions& options, const std::vector<FilterVisualization>& images,
                        int min_tile = 56);

// Writes the files into `dir` (made when missing). `threads`: the intra-op
// threads of the run, which the images depend on. Errors name the file.
Status write_visualizations(const Model& model, const VisualizeOptions& options,
                            const std::vector<FilterVisualization>& images, bool npy, int threads,
                            const std::string& dir);

}  // namespace actscope
