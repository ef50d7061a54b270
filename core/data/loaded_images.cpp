#include "core/data/loaded_images.h"

namespace actscope {

Result<std::vector<LoadedImage>> load_dataset_images(const Model& model, const Dataset& dataset,
                                                     const std::vector<size_t>& indices) {
  std::vector<InputImage> inputs;
  for (size_t i : indices) {
    auto input = dataset.input(i, model.card());
    if (!input) return Error{input.error()};
    inputs.push_back(std::move(input).value());
  }
  auto logits = model.logits(inputs);
  if (!logits) return Error{logits.error()};
  std::vector<LoadedImage> images;
  for (size_t k = 0; k < indices.size(); ++k) {
    images.push_back({std::move(inputs[k]), top_classes(logits.value()[k], 5), dataset.images[indices[k]].true_class});
  }
  return images;
}

PredictedDataset as_predicted_dataset(const std::vector<LoadedImage>& images, const std::string& source) {
  PredictedDataset result;
  result.dataset.source = source;
  for (const auto& image : images) {
    result.dataset.images.push_back({image.input.name, image.true_class});
    result.dataset.loaded.push_back(image.input);
    DatasetPrediction prediction;
    prediction.true_class = image.true_class;
    if (!image.top.empty()) {
      prediction.predicted_class = image.top[0].class_index;
      prediction.confidence = image.top[0].probability;
    }
    result.predictions.push_back(prediction);
  }
  return result;
}

}  // namespace actscope
