// A model across its training: per checkpoint (TorchScript, in training
// order) the accuracy on a labelled dataset, per layer with maps the
// fraction of its filters that are dead or rarely active over every image
// (as the atlas's scan flags them, filter_stats.h), and per layer (those
// plus the penultimate) the CKA to the last checkpoint over the same
// batches as cka.h. One pass over the dataset: every checkpoint is loaded at
// once and sees each batch in turn, so memory is bounded by one batch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/atlas/atlas.h"
#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/model/model.h"

namespace actscope {

struct TimelineOptions {
  int64_t limit = 0;    // only the first `limit` images in dataset order; 0: all
  int batch_size = 64;  // images per batch (CKA's batches; at least 4)
  // (done, total) images; returning false cancels ("cancelled").
  std::function<bool(size_t done, size_t total)> progress;
};

struct TimelineLayer {
  std::string name;
  bool has_maps = false;  // dead and rarely active fractions only for layers with maps (else NaN)
  double dead_fraction = 0.0;
  double rarely_active_fraction = 0.0;
  double cka_to_final = 0.0;  // NaN when a layer is constant on every batch
};

struct TimelineCheckpoint {
  std::string path;
  std::string sha256;
  double accuracy = 0.0;  // NaN without labels
  std::vector<TimelineLayer> layers;
};

struct Timeline {
  std::string dataset_path;
  int64_t dataset_images = 0;  // images in range (after any limit): the filter fractions and accuracy
  int64_t limit = 0;
  int batch_size = 64;
  int64_t images = 0;   // images in CKA's batches
  int64_t dropped = 0;  // images of the last partial batch, in no CKA batch
  std::vector<TimelineCheckpoint> checkpoints;
  std::vector<SkippedImage> skipped;
};

// True when `a` sorts before `b` naturally: runs of digits compare as
// numbers ("epoch_2" before "epoch_10"), the rest byte by byte.
bool natural_less(const std::string& a, const std::string& b);

// The TorchScript files (*.pt) of `folder`, sorted naturally by name. An
// error names the folder when it cannot be read or holds none.
Result<std::vector<std::string>> checkpoint_files(const std::string& folder);

// The timeline a batch at a time (the desktop program's engine worker). The
// models (checkpoints in training order, the last one the reference) and
// `dataset` must outlive it. Each checkpoint must have the last one's layers
// and input card. One step at a time.
class TimelineRun {
 public:
  static Result<TimelineRun> start(std::vector<const Model*> checkpoints, const Dataset& dataset,
                                   const TimelineOptions& options);
  TimelineRun(TimelineRun&&) noexcept;
  TimelineRun& operator=(TimelineRun&&) noexcept;
  ~TimelineRun();
  // Runs the next batch through every checkpoint; true while batches remain.
  Result<bool> step();
  size_t done() const;
  size_t total() const;
  // The timeline, once step() returned false.
  Timeline take();

 private:
  struct State;
  explicit TimelineRun(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The whole timeline (TimelineRun to its end, with options.progress).
Result<Timeline> checkpoint_timeline(std::vector<const Model*> checkpoints, const Dataset& dataset,
                                     const TimelineOptions& options);

}  // namespace actscope
