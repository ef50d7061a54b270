// The session room, the top of core: what the desktop program opens at once.
// It uses the model and data rooms and no front end.
//
// What the desktop program opens at once: a model and its images, each
// predicted, with the true classes a samples.json next to them gives. Loading
// touches no widgets and may run on any thread (the program runs it on its
// worker).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/loaded_images.h"
#include "core/model/model.h"

namespace actscope {

// A model with its images, or the messages of what failed.
struct Session {
  std::shared_ptr<Model> model;     // null when the model failed to load
  std::vector<LoadedImage> images;  // the images that loaded
  std::vector<std::string> errors;  // one message per file that failed
  // The model loaded but has no card and none was given: ask the user.
  bool needs_card = false;
  int suggested_channels = 0;  // from the first conv layer; 0 when unknown
};

// Images read for a model that is open, and why the others could not be.
struct LoadedBatch {
  std::vector<LoadedImage> images;  // those that loaded, in the order asked
  std::vector<std::string> errors;  // one message per file that failed, naming it
};

// Reads each image for `model`'s card and predicts its top-5 classes; the
// true class comes from samples.json beside it. A file that fails is
// reported and skipped; the rest load. Requires a card. One call at a time
// per Model; any thread.
LoadedBatch load_images(const Model& model, const std::vector<std::string>& image_paths);

// Loads `model_path` (with `card` when the user typed one in), applies
// `overrides` to its card (the window's --labels, --resize, --crop; when
// they do not fit, the error is reported and the card stays as it was), then
// reads each image and predicts its top-5 classes. An image's true class
// comes from the samples.json in its folder (see read_samples_file). Images
// that fail are reported in Session::errors and skipped. Any thread.
Session load_session(const std::string& model_path, const std::vector<std::string>& image_paths,
                     const std::optional<ModelCard>& card = std::nullopt, const CardOverrides& overrides = {});

}  // namespace actscope
