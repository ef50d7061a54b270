// Images already made for a model and predicted (the desktop program's open
// images), and the same images seen as a dataset, so that a comparison
// partner can be proposed among them without reading or predicting again.
#pragma once

#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

struct LoadedImage {
  InputImage input;
  std::vector<ClassScore> top;  // most probable first
  int true_class = -1;          // -1 when unknown

  bool misclassified() const { return true_class >= 0 && !top.empty() && top[0].class_index != true_class; }
};

// A dataset with the model's prediction of each of its images.
struct PredictedDataset {
  Dataset dataset;
  std::vector<DatasetPrediction> predictions;
};

// Images `indices` of `dataset` read for `model`'s card and predicted (top
// 5), each with its true class. Errors name the image that could not be read
// or the model's failure. One call at a time per Model; any thread.
Result<std::vector<LoadedImage>> load_dataset_images(const Model& model, const Dataset& dataset,
                                                     const std::vector<size_t>& indices);

// `images` as a dataset named `source`: Dataset::loaded holds their inputs,
// and each prediction is the image's top class (-1 when it has none) with
// its probability. Any thread.
PredictedDataset as_predicted_dataset(const std::vector<LoadedImage>& images, const std::string& source);

}  // namespace actscope
