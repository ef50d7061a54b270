// The desktop program's own command line: `actscope [--layer L] [--dataset
// PATH [--compare N] [--embed]] [--atlas FILE] [--visualize] [--second-model PATH]
// [--training-run DIR] [--labels FILE] [--resize S] [--crop HxW] [MODEL
// [IMAGES...]]`. Without a model it opens the bundled model and sample images.
#pragma once

#include <optional>
#include <variant>

#include <QString>
#include <QStringList>

#include "core/model/model_card.h"

class QApplication;

namespace actscope {

struct StartupOptions {
  QString model;                   // the model to open (default: the bundled model)
  QStringList images;              // the images to open (default: the bundled samples)
  QString layer;                   // the layer to show first; empty: the window's choice
  std::optional<QString> dataset;  // a dataset to predict once the model is open
  int compare = -1;                // with dataset: the image to compare with its partner; -1: none
  bool embed = false;              // with dataset: lay it out in the Embedding view
  std::optional<QString> atlas;    // a filter atlas (atlas.json) to show once the model is open
  bool visualize = false;          // Visualize Layer on the first layer shown (the Filters view's grid)
  std::optional<QString> second_model;  // model B to compare in the Models view once the model is open
  std::optional<QString> training_run;  // a folder of checkpoints to follow in the Timeline view
  CardOverrides card;              // --labels, --resize, --crop: applied to the model's card
};

// The options on `app`'s command line. Prints help or the version and exits
// the process when asked to, as QCommandLineParser does. Returns the options,
// or the exit code (2) after printing on stderr why they do not fit together.
// GUI thread, after the QApplication is made.
std::variant<StartupOptions, int> parse_startup_options(const QApplication& app);

}  // namespace actscope
