// The dataset a Models or a Timeline run reads: the dataset the user opened
// (the Dataset view's), or, when none is open, Debian's Fashion-MNIST test
// set for a model that takes its 1x28x28 images; otherwise an error asking
// for a dataset.
#pragma once

#include <string>

#include "core/data/dataset.h"
#include "core/model/model_card.h"

namespace actscope {

// Where Debian's dataset-fashion-mnist package puts the set.
inline constexpr const char* kFashionMnistFolder = "/usr/share/datasets/fashion-mnist";

// True when `card` takes Fashion-MNIST's images as they are: 1x28x28.
bool takes_fashion_mnist(const ModelCard& card);

// `path` opened for `card`; with `path` empty, the Fashion-MNIST test set
// when `card` takes it, else an error that asks for a dataset. It reads
// files: the worker's side, never the GUI thread.
Result<Dataset> open_run_dataset(const std::string& path, const ModelCard& card);

}  // namespace actscope
