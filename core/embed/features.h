// The embed room: how a layer's features lay out a dataset. Features of a
// layer over a dataset (here), PCA (pca.h), exact nearest neighbours
// (neighbours.h), t-SNE (tsne.h, its Barnes-Hut forces in barnes_hut.h) and
// the files a run writes (embedding_files.h). Built on the model and data
// rooms; the atlas's dataset reading and shards are not needed here.
//
// Features: one row per image of a layer's output, streamed through the model
// in batches, with the model's prediction of each image.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/model/model.h"

namespace actscope {

struct FeatureOptions {
  std::string layer;     // empty: the penultimate layer (penultimate_layer)
  bool flatten = false;  // a layer with maps: every value (C*H*W) instead of each map's mean (C)
  int64_t limit = 0;     // only the first `limit` images in dataset order; 0: all
  int batch_size = 64;
  // (done, total) images; returning false cancels ("cancelled").
  std::function<bool(size_t done, size_t total)> progress;
};

// Rows of features with what is known of each row's image.
struct Features {
  std::string layer;                // empty for features read from a file
  int64_t rows = 0;
  int64_t dims = 0;
  std::vector<float> values;        // rows x dims, row-major
  std::vector<int64_t> indices;     // each row's image in the dataset (unreadable ones are skipped)
  std::vector<std::string> names;   // each row's image name; empty for features from a file
  std::vector<int> true_classes;    // -1 unknown
  std::vector<int> predicted;       // -1 unknown (features from a file)
  std::vector<float> confidence;    // softmax probability of the predicted class; 0 when unknown
  std::vector<std::string> skipped; // images that could not be read, each naming the file

  // Whether row `row`'s image has a true class and a prediction that differ.
  bool misclassified(int64_t row) const {
    const auto i = static_cast<size_t>(row);
    return i < predicted.size() && i < true_classes.size() && predicted[i] >= 0 && true_classes[i] >= 0 &&
           predicted[i] != true_classes[i];
  }
};

// The row of the correctly classified image of `row`'s true class nearest to
// it in `features` (Euclidean), or -1 when there is none. Any thread.
int64_t nearest_correct_row(const Features& features, int64_t row);

// The features of `options.layer` of every readable image of `dataset`
// (opened for `model`'s card). A layer without output values per image
// (not capturable) is an error naming it. One call at a time per Model.
Result<Features> collect_features(const Model& model, const Dataset& dataset, const FeatureOptions& options);

// The same a batch at a time, for the desktop program's engine worker,
// which runs other work between batches. `model` and `dataset` must outlive it.
class FeatureCollection {
 public:
  static Result<FeatureCollection> start(const Model& model, const Dataset& dataset, const FeatureOptions& options);
  // Collects the next batch; true while batches remain after it.
  Result<bool> step();
  size_t done() const { return next_; }
  size_t total() const { return total_; }
  Features take() { return std::move(features_); }

 private:
  FeatureCollection(const Model& model, const Dataset& dataset) : model_(&model), dataset_(&dataset) {}
  const Model* model_;
  const Dataset* dataset_;
  Features features_;
  bool flatten_ = false;
  size_t batch_size_ = 64;
  size_t total_ = 0;
  size_t next_ = 0;
};

// The features of a whole layer's output for `count` images: [count, C, H, W]
// pooled to [count, C] (or flattened to C*H*W), [count, F] as it is, other
// shapes flattened per image.
std::vector<float> layer_features(const FloatArray& values, int64_t count, bool flatten, int64_t& dims);

}  // namespace actscope
