#include "tests/support/reference.h"

#include <limits>

#include "tests/support/test_support.h"

namespace actscope::test {

Reference load_reference(const std::string& model) {
  const std::string bytes = read_file(fixture_dir() / (model + "_ref.pt"));
  auto dict = torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
  Reference reference;
  reference.input = dict.at("input").toTensor();
  reference.output = dict.at("output").toTensor();
  const auto names = dict.at("names").toList();
  const auto kinds = dict.at("kinds").toList();
  for (size_t i = 0; i < names.size(); ++i) {
    reference.names.push_back(names.get(i).toStringRef());
    reference.kinds.push_back(kinds.get(i).toStringRef());
  }
  for (const auto& entry : dict.at("activations").toGenericDict()) {
    reference.activations[entry.key().toStringRef()] = entry.value().toTensor();
  }
  for (const auto& entry : dict.at("ops").toGenericDict()) {
    reference.ops[entry.key().toStringRef()] = entry.value().toTensor();
  }
  return reference;
}

std::string fixture_model(const std::string& model, const std::string& variant) {
  return (fixture_dir() / (model + "_" + variant + ".pt")).string();
}

double relative_error(const torch::Tensor& actual, const torch::Tensor& expected) {
  if (actual.sizes() != expected.sizes()) return std::numeric_limits<double>::infinity();
  if (expected.numel() == 0) return 0.0;
  const double scale = expected.abs().max().item<double>();
  const double error = (actual.to(torch::kFloat64) - expected.to(torch::kFloat64)).abs().max().item<double>();
  return error / (scale > 0 ? scale : 1.0);
}

torch::Tensor to_tensor(const FloatArray& array) {
  return torch::from_blob(const_cast<float*>(array.data()), array.shape(), torch::kFloat32).clone();
}

FloatArray to_array(const torch::Tensor& tensor) {
  torch::Tensor contiguous = tensor.to(torch::kFloat32).contiguous();
  std::vector<float> values(contiguous.data_ptr<float>(), contiguous.data_ptr<float>() + contiguous.numel());
  return FloatArray(std::vector<int64_t>(contiguous.sizes().begin(), contiguous.sizes().end()),
                    std::move(values));
}

}  // namespace actscope::test
