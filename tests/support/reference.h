// Reading the PyTorch references written by tests/fixtures/make_fixtures.py
// and comparing tensors with them. For test files that link torch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <torch/script.h>

#include "core/base/float_array.h"

namespace actscope::test {

// One model's reference: Python forward-hook outputs on a fixed input.
struct Reference {
  torch::Tensor input;
  torch::Tensor output;                              // the logits of the unmodified model
  std::vector<std::string> names;                    // hook calls in call order ("shared#2" for repeats)
  std::vector<std::string> kinds;                    // module class per name
  std::map<std::string, torch::Tensor> activations;  // hooked module outputs by name
  std::map<std::string, torch::Tensor> ops;          // functional-op outputs, where recorded

  torch::Tensor activation(const std::string& name) const { return activations.at(name); }
};

// Loads "<fixture dir>/<model>_ref.pt".
Reference load_reference(const std::string& model);

// The path of a fixture model file, "<fixture dir>/<model>_<variant>.pt".
std::string fixture_model(const std::string& model, const std::string& variant);

// max |actual - expected| divided by max |expected| (1 when that is 0);
// infinity when the shapes differ.
double relative_error(const torch::Tensor& actual, const torch::Tensor& expected);

// A tensor copy of an engine array.
torch::Tensor to_tensor(const FloatArray& array);
// An engine array holding a copy of `tensor`.
FloatArray to_array(const torch::Tensor& tensor);

}  // namespace actscope::test
