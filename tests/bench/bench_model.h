// Loading a benchmark's model: the bundled model with its card, or a
// fixture without one (resnet18) given ImageNet's input. Exits on failure.
#pragma once

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "core/model/model.h"
#include "core/model/model_card.h"

namespace actscope::bench {

inline std::unique_ptr<Model> load_bench_model(const std::string& path) {
  auto model = Model::load(path);
  if (!model) {
    std::cerr << model.error() << "\n";
    std::exit(1);
  }
  if (model.value()->card().channels == 0) {  // the resnet18 fixture: ImageNet's input
    ModelCard card;
    card.channels = 3;
    card.height = card.width = 224;
    card.mean = {0.485f, 0.456f, 0.406f};
    card.std = {0.229f, 0.224f, 0.225f};
    model.value()->set_card(card);
  }
  return std::move(model).value();
}

}  // namespace actscope::bench
