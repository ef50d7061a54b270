#include "ui/controllers/run_dataset.h"

namespace actscope {

bool takes_fashion_mnist(const ModelCard& card) {
  return card.channels == 1 && card.height == 28 && card.width == 28 && card.resize == 0;
}

Result<Dataset> open_run_dataset(const std::string& path, const ModelCard& card) {
  if (!path.empty()) return open_dataset(path, card);
  if (!takes_fashion_mnist(card)) {
    return Error{"no dataset is open, and the model's input (" + input_description(card) +
                 ") is not Fashion-MNIST's 1x28x28: open a dataset (File > Open Dataset..., or Choose "
                 "Dataset... in this view)"};
  }
  auto fashion = open_dataset(kFashionMnistFolder, card);
  if (!fashion) {
    return Error{"no dataset is open, and Fashion-MNIST's test set is not installed in " +
                 std::string(kFashionMnistFolder) +
                 " (Debian's dataset-fashion-mnist): open a dataset (File > Open "
                 "Dataset..., or Choose Dataset... in this view)"};
  }
  return fashion;
}

}  // namespace actscope
