// The embedding run as the engine worker runs it, a slice at a time (see
// EmbeddingController), and its cache on disk. Worker side only: no widgets.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include <QString>

#include "core/embed/tsne.h"
#include "core/model/model.h"
#include "ui/controllers/embedding_controller.h"

namespace actscope {

struct EmbeddingJob {
  std::shared_ptr<const Model> model;
  std::string dataset_path;
  EmbeddingSettings settings;
  QString cache;  // the folder this run is kept in
  std::shared_ptr<const std::atomic<bool>> cancel;
  // Posted to the GUI thread by the caller: a phase's progress, and each layout.
  std::function<void(const QString& what, size_t done, size_t total)> progress;
  std::function<void(std::vector<float> layout, const QString& title, bool final)> frame;

  // Filled as the run goes.
  std::shared_ptr<Dataset> dataset;
  std::optional<FeatureCollection> collection;
  std::shared_ptr<Features> features;
  std::optional<TsneRun> tsne;
};

struct EmbeddingOutcome {
  Embedded embedded;
  bool cached = false;
};

// One slice of `job`: the cache or the start, a batch of features, PCA, the
// neighbours, or some t-SNE iterations. Nothing while more remains.
std::optional<Result<EmbeddingOutcome>> embedding_slice(EmbeddingJob& job);

// The cache folder's contents, or an error when it is missing or damaged.
Result<Embedded> read_embedding_cache(const QString& folder);
// Writes `embedded` into `folder` (its description last, so a folder
// without one is never read as complete).
Status write_embedding_cache(const QString& folder, const Embedded& embedded);

}  // namespace actscope
