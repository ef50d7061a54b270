// The images of a many-image `cam` or `activations` run: the flags that name
// them (--image repeated, --image-list, --dataset with --indices or
// --misclassified, --batch), the list they give, and the manifest that lists
// every image of the run with its prediction.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/data/image_selection.h"
#include "core/model/model.h"

namespace CLI {
class App;
}

namespace actscope::cli {

struct ImageFlags {
  std::vector<std::string> images;  // --image, repeatable
  std::string image_list;           // --image-list FILE
  std::string dataset;              // --dataset PATH
  std::string indices;              // --indices 3,17,40-60
  bool misclassified = false;       // --misclassified
  // --batch: images per forward. 1 gives every image exactly what a
  // one-image run gives; LibTorch's convolutions round differently for
  // other batch sizes (about 1e-6 of a layer's largest value).
  int batch = 1;

  // Adds the flags to `command` (this object must outlive the parse).
  void add_to(CLI::App* command);
  // A usage mistake (no image, --indices without --dataset, ...), or "".
  std::string usage_problem() const;
  // True unless exactly one --image and nothing else names images: the run
  // then writes into a folder, one output per image.
  bool many() const;
};

// The selected images, each with its unique output stem, and the dataset
// they come from (with --dataset).
struct ImageRun {
  std::vector<SelectedImage> images;
  Dataset dataset;
};

// What `flags` select for `model`. --misclassified predicts the dataset
// first (a progress line unless `quiet`). Errors name the file at fault.
Result<ImageRun> select_images(const ImageFlags& flags, const Model& model, bool quiet);

// Image `index` of the run, made for the model's card.
Result<InputImage> read_run_image(const ImageRun& run, size_t index, const ModelCard& card);

// Images [first, end) of the run read for the card: those that could be
// read, with their run indices. Each one that could not is named on stderr,
// gets its skipped entry in `entries` (by run index) and counts in `skipped`.
struct RunBatch {
  std::vector<InputImage> inputs;
  std::vector<size_t> which;  // run index of each input
};
RunBatch read_run_batch(const ImageRun& run, size_t first, size_t end, const ModelCard& card,
                        std::vector<nlohmann::json>& entries, int& skipped);

// A manifest entry for one image of the run: where it came from, its output
// stem, its true class when known and the model's prediction (softmax of
// `logits`, one row of the batch's logits) or the error that skipped it.
nlohmann::json run_image_entry(const SelectedImage& image, const ModelCard& card, const float* logits,
                               int classes);
nlohmann::json skipped_image_entry(const SelectedImage& image, const std::string& error);

// Writes `out_dir`/manifest.json for the run (atomically): tool, model,
// what was asked (`settings`) and every image's entry.
Status write_run_manifest(const std::string& out_dir, const Model& model, const nlohmann::json& settings,
                          const nlohmann::json& images);

}  // namespace actscope::cli
