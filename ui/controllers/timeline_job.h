// The Timeline view's run as the engine worker runs it, a slice at a time
// (see TimelineController): the checkpoints of a folder loaded one per
// slice, the dataset opened, then TimelineRun a batch per slice. Worker
// side only: no widgets.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "core/model/model.h"
#include "core/similarity/timeline.h"

namespace actscope {

struct TimelineJob {
  std::string folder;        // the training run: its *.pt files in natural order
  std::string dataset_path;  // empty: see open_run_dataset
  TimelineOptions options;   // limit and batch size (no progress: see below)
  std::shared_ptr<const std::atomic<bool>> cancel;
  // Posted to the GUI thread by the caller: what is done, how much of how much.
  std::function<void(const QString& what, size_t done, size_t total)> progress;

  // Filled as the run goes.
  std::vector<std::string> paths;
  std::vector<std::unique_ptr<Model>> checkpoints;
  std::shared_ptr<const Dataset> dataset;
  std::optional<TimelineRun> run;
};

// One slice of `job`: listing the folder, loading a checkpoint, opening the
// dataset and starting, or one batch through every checkpoint. Nothing
// while more remains; the timeline, or why there is none ("cancelled"), at
// the end. A checkpoint without a card takes the card of the last one that
// has one.
std::optional<Result<Timeline>> timeline_slice(TimelineJob& job);

}  // namespace actscope
