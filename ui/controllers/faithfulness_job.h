// Faithfulness as the engine worker measures it, a slice at a time (see
// FaithfulnessController): the current image one method per slice (a method
// that cannot be computed is left out with a note), a dataset a batch of
// images per slice. Worker side only: no widgets.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "core/data/dataset.h"
#include "core/faithfulness/faithfulness_run.h"
#include "core/model/model.h"

namespace actscope {

// Images of a dataset measured together (their maps computed in one batch):
// a slice of a dataset run, measure_dataset's `batch`.
inline constexpr int kFaithfulnessBatch = 8;

// The images a dataset run measures: all `size` when `limit` is 0 or at
// least `size`, else `limit` spread evenly over the dataset (image
// floor(i * size / limit) for i = 0 .. limit - 1), so that a dataset stored
// class by class gives every class its share.
std::vector<int64_t> faithfulness_sample(int64_t size, int64_t limit);

struct ImageFaithfulnessJob {
  std::shared_ptr<const Model> model;
  InputImage input;                // measured as image index 0 (what seeds its random map and ROAD's noise)
  FaithfulnessRunOptions options;  // the methods to try, in order
  std::shared_ptr<const std::atomic<bool>> cancel;
  // Posted to the GUI thread by the caller.
  std::function<void(const QString& what, size_t done, size_t total)> progress;

  // Filled as the run goes.
  size_t next = 0;
  std::vector<std::string> methods;  // measured
  ImageFaithfulness image;           // their metrics, in that order
  std::vector<std::string> notes;    // methods left out, and why
};

// One method of `job` measured; nothing while more remain; at the end the
// image with every method that could be measured (job.methods names them),
// or why there is none ("cancelled").
std::optional<Result<ImageFaithfulness>> image_faithfulness_slice(ImageFaithfulnessJob& job);

struct DatasetFaithfulnessJob {
  std::shared_ptr<const Model> model;
  std::string dataset_path;
  int64_t limit = 0;  // see faithfulness_sample
  FaithfulnessRunOptions options;
  std::shared_ptr<const std::atomic<bool>> cancel;
  std::function<void(const QString& what, size_t done, size_t total)> progress;

  // Filled as the run goes.
  std::shared_ptr<const Dataset> dataset;
  std::vector<int64_t> indices;
  size_t next = 0;
  FaithfulnessRun run;
};

// Opening the dataset, or one batch of images measured; nothing while more
// remain; the run (as measure_dataset gives it) or why there is none.
std::optional<Result<FaithfulnessRun>> dataset_faithfulness_slice(DatasetFaithfulnessJob& job);

}  // namespace actscope
