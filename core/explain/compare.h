// Side by side: one layer's maps for two images (A and B) on one shared
// scale, their difference A - B, and the filters ranked by how differently
// they fire; and, for a misclassified image, the correctly classified image
// of the same true class nearest to it in the penultimate layer's features.
#pragma once

#include <string>
#include <vector>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/data/loaded_images.h"
#include "core/maps/normalization.h"

namespace actscope {

struct FilterDifference {
  int filter = 0;
  float mean_a = 0.0f;
  float mean_b = 0.0f;
  float difference = 0.0f;  // mean_a - mean_b
};

struct LayerComparison {
  // A's and B's maps on [0,1] with one range per filter shared by both
  // images (a filter that fires twice as strongly in A looks twice as bright).
  NormalizedMaps a;
  NormalizedMaps b;
  // A - B mapped to [0,1] with 0.5 where they are equal, on one scale for the
  // whole layer (max |A - B|), for a diverging colormap.
  NormalizedMaps difference;
  float difference_scale = 0.0f;      // max |A - B| over the layer (0 when equal)
  std::vector<float> raw_difference;  // A - B, filter after filter
  // Every filter, by |mean_a - mean_b|, largest first.
  std::vector<FilterDifference> ranking;
};

// Compares one image's output of a layer with another's: `a` and `b` are that
// layer's activations ([1, C, h, w] or [1, F], or the same shape with N
// images: image `image_a` of `a`, `image_b` of `b`). Errors when the shapes
// differ. Any thread.
Result<LayerComparison> compare_layer(const FloatArray& a, const FloatArray& b, int64_t image_a = 0,
                                      int64_t image_b = 0);

// Captures `layer` for `a` and for `b`, each image alone (a batch of one, as
// the desktop program captures every image: batches of two would round the
// convolutions differently), and compares them (compare_layer). One path
// for the command line's `compare` and the window's Compare tab, so that
// their sheets are the same picture. One call at a time per Model; any thread.
Result<LayerComparison> compare_images(const Model& model, const InputImage& a, const InputImage& b,
                                       const std::string& layer);

// For image `index` of `dataset` (usually a misclassified one), the index of
// the correctly classified image of the same true class whose
// penultimate-layer features are nearest (Euclidean). `predictions` are
// predict_dataset's for `dataset`. One call at a time per Model; any thread.
Result<size_t> propose_partner(const Model& model, const Dataset& dataset,
                               const std::vector<DatasetPrediction>& predictions, size_t index);

// A dataset image (A) and its proposed partner (B), each read, made for the
// model and predicted (top five classes), ready to open side by side; `note`
// says why there is no B when none was found (then `images` holds A only).
struct ComparePair {
  std::vector<LoadedImage> images;
  std::string note;
};

// Image `index` of `dataset` and its partner (propose_partner), loaded.
// Errors when an image cannot be read or the model fails. One call at a time
// per Model; any thread.
Result<ComparePair> load_compare_pair(const Model& model, const Dataset& dataset,
                                      const std::vector<DatasetPrediction>& predictions, size_t index);

}  // namespace actscope
