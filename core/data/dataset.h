// The data room: image sets and what the model says of them: datasets
// (here), the open images as a dataset (loaded_images.h), the predictions
// CSV (predictions_csv.h) and samples.json (samples_file.h). Built on the
// model room.
//
// Labelled image sets for whole-dataset predictions: a folder with one
// sub-folder per class (named after the model card's labels), or an IDX
// image/label pair such as Debian's Fashion-MNIST test set.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/io/idx_file.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

struct DatasetImage {
  std::string name;     // the file path, or "t10k[42]" for image 42 of an IDX file t10k-images-idx3-ubyte
  int true_class = -1;  // index into the card's labels
};

struct Dataset {
  std::string source;  // what was opened
  std::vector<DatasetImage> images;
  IdxImages idx;  // the pixels, for an IDX set (empty for a folder)
  // Images already made for the model, one per entry of `images` (such as
  // the window's open images); empty for a folder or an IDX set.
  std::vector<InputImage> loaded;
  // The class names a folder of class folders gives a model whose card has
  // no labels (torchvision's ImageFolder: the sorted folder names, class i
  // the i-th); empty otherwise. They name the classes as the card's labels would.
  std::vector<std::string> class_names;

  bool from_idx() const { return idx.count > 0; }
  // Image `index` made for `card` (reads the file for a folder set; a loaded
  // image is returned as it is). An image of an IDX set carries the set's
  // path and its index (InputImage::dataset, dataset_index).
  Result<InputImage> input(size_t index, const ModelCard& card) const;
};

// The card to report `dataset`'s classes with: `card`, with the dataset's
// class names as its labels when it has none (ImageFolder).
ModelCard card_naming_classes(const ModelCard& card, const Dataset& dataset);

// Opens `path`:
// - a folder whose sub-folders are the classes: each sub-folder's name must be
//   one of the card's labels (compared ignoring case, with spaces, '_', '-'
//   and '/' alike: "ankle_boot" is "Ankle boot", "t-shirt_top" is
//   "T-shirt/top"); its image files are that class. For a card without
//   labels, torchvision's ImageFolder convention: the classes are the
//   sorted folder names, in that order (Dataset::class_names);
// - a folder of image files and no sub-folders: images without labels
//   (true_class -1);
// - an IDX images file ("*-images-idx3-ubyte", optionally ".gz") with the
//   labels file next to it ("*-labels-idx1-ubyte[.gz]");
// - a folder holding such a pair (the test set "t10k-*" when there are several).
// Errors name the path and what is wrong (an unknown class folder lists the
// card's labels). Any thread.
Result<Dataset> open_dataset(const std::string& path, const ModelCard& card);

struct DatasetPrediction {
  int true_class = -1;
  int predicted_class = -1;
  float confidence = 0.0f;  // softmax probability of the predicted class
  // Set when the image was skipped: it could not be read (a damaged file
  // among many) or the model's logits for it hold NaN or Inf. Then
  // predicted_class stays -1. The message names the file.
  std::string error;

  bool unreadable() const { return !error.empty(); }
};

struct DatasetPredictOptions {
  int batch_size = 256;
  // Only the images [first, first + count) (a slice of a long job that
  // lets other work run between slices); their predictions alone come back.
  size_t first = 0;
  size_t count = SIZE_MAX;
  // (done, total) images; returning false cancels (the call returns "cancelled").
  std::function<bool(size_t done, size_t total)> progress;
};

// Predicts every image of `dataset` in batches, in inference mode: one
// prediction per image, in order. An image that cannot be read is skipped
// and its prediction says why (DatasetPrediction::error); the others go on.
// Errors are the model's. One call at a time per Model; any thread.
Result<std::vector<DatasetPrediction>> predict_dataset(const Model& model, const Dataset& dataset,
                                                       const DatasetPredictOptions& options = {});

// The fraction of the readable images whose prediction is the true class
// (0 for none).
double accuracy(const std::vector<DatasetPrediction>& predictions);
// How many predictions are of the true class.
size_t count_correct(const std::vector<DatasetPrediction>& predictions);
// How many images could not be read (skipped).
size_t count_unreadable(const std::vector<DatasetPrediction>& predictions);
// Whether `p` is a readable image the model gets wrong (an image without a
// label is never wrong).
bool misclassified(const DatasetPrediction& p);

}  // namespace actscope
