// What the engine benchmarks feed resnet18: the ImageNet card at 224x224 and
// a dataset of Gaussian-noise images already made for the model (no files).
#pragma once

#include <random>
#include <string>

#include "core/data/dataset.h"
#include "core/model/model.h"

namespace actscope::bench {

// Gives `model` a 3x224x224 card (ImageNet's mean and std when it has none).
inline void use_imagenet_card(Model& model) {
  ModelCard card = model.card();
  card.channels = 3;
  card.height = card.width = 224;
  if (card.mean.empty()) card.mean = {0.485f, 0.456f, 0.406f}, card.std = {0.229f, 0.224f, 0.225f};
  model.set_card(card);
}

// `images` inputs of 3x224x224 standard normal values (seed 1), unlabelled.
inline Dataset synthetic_dataset(int images) {
  Dataset dataset;
  std::mt19937 random(1);
  std::normal_distribution<float> pixel(0.0f, 1.0f);
  for (int i = 0; i < images; ++i) {
    InputImage input;
    input.name = "synthetic[" + std::to_string(i) + "]";
    input.tensor.resize(3 * 224 * 224);
    for (float& value : input.tensor) value = pixel(random);
    dataset.images.push_back({input.name, -1});
    dataset.loaded.push_back(std::move(input));
  }
  dataset.source = "synthetic";
  return dataset;
}

}  // namespace actscope::bench
