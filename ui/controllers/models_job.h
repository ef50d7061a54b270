// The Models view's work on the engine worker (see ModelsController): model
// B loaded beside the open model, and the CKA of their layers a batch at a
// time. Worker side only: no widgets.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/model/model.h"
#include "core/similarity/cka.h"

namespace actscope {

// Model B, and how it is fed, for the user.
struct SecondModel {
  std::shared_ptr<const Model> model;
  std::string feeding;  // "its own card", "A's card (it has none)", or its own card unlike A's
};

// Loads `path` as model B beside a model fed by `a_card`: a B without a card
// takes A's card; a B with its own card is fed by it, even when A's card
// makes other inputs. Errors name the file.
Result<SecondModel> load_second_model(const std::string& path, const ModelCard& a_card);

struct CkaJob {
  std::shared_ptr<const Model> a;
  std::shared_ptr<const Model> b;  // `a` itself when no second model is open
  std::string dataset_path;        // empty: see open_run_dataset
  CkaOptions options;              // layers, limit and batch size (no progress: see below)
  std::shared_ptr<const std::atomic<bool>> cancel;
  // Posted to the GUI thread by the caller: images done of the total.
  std::function<void(size_t done, size_t total)> progress;

  // Filled as the run goes.
  std::shared_ptr<const Dataset> dataset;
  std::optional<CkaComparison> comparison;
};

// One slice of `job`: opening the dataset and starting, or one batch.
// Nothing while more remains; the run, or why there is none ("cancelled"), at the end.
std::optional<Result<CkaRun>> cka_slice(CkaJob& job);

}  // namespace actscope
