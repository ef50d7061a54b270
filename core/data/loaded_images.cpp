#include "core/data/loaded_images.h"

namespace actscope {

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
