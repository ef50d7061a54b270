// Loads a model and images and predicts them, off the GUI thread.
//
// The GUI calls load_session() inside QtConcurrent::run; it touches no Qt
// widgets and may run on any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

struct LoadedImage {
  InputImage input;
  std::vector<ClassScore> top;  // most probable first
  int true_class = -1;          // from a samples.json next to the image; -1 when unknown

  bool misclassified() const { return true_class >= 0 && !top.empty() && top[0].class_index != true_class; }
};

// A model with its images, or the messages of what failed.
struct Session {
  std::shared_ptr<Model> model;     // null when the model failed to load
  std::vector<LoadedImage> images;  // the images that loaded
  std::vector<std::string> errors;  // one message per file that failed
  // The model loaded but has no card and none was given: ask the user.
  bool needs_card = false;
  int suggested_channels = 0;  // from the first conv layer; 0 when unknown
};

// Loads `model_path` (with `card` when the user typed one in), then each
// image, and predicts the images' top-5 classes. An image's true class comes
// from a `samples.json` in its folder: {"samples": [{"file": "x.png",
// "true_class": 3}, ...]} (the bundled samples have one). Images that fail are
// reported in Session::errors and skipped.
Session load_session(const std::string& model_path, const std::vector<std::string>& image_paths,
                     const std::optional<ModelCard>& card = std::nullopt);

}  // namespace actscope
