// The generated fixtures agree with LibTorch: every saved model, scripted or
// traced, reproduces the reference logits PyTorch recorded, and every
// reference holds one activation per recorded name. The engine tests build
// on these files, so a broken generator must fail here first.
#include <gtest/gtest.h>
#include <torch/script.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

c10::Dict<c10::IValue, c10::IValue> load_reference(const std::filesystem::path& path) {
  const std::string bytes = test::read_file(path);
  return torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
}

torch::Tensor first_tensor(const c10::IValue& output) {
  if (output.isTensor()) return output.toTensor();
  if (output.isTuple()) return output.toTupleRef().elements()[0].toTensor();
  return output.toGenericDict().at("logits").toTensor();
}

TEST(FixtureTest, EveryModelReproducesItsReferenceOutput) {
  const auto dir = test::fixture_dir();
  const auto manifest = test::fixture_manifest();
  ASSERT_GE(manifest.size(), 10u);
  for (const auto& entry : manifest) {
    const std::string name = entry["name"];
    auto reference = load_reference(dir / entry["reference"].get<std::string>());
    const auto input = reference.at("input").toTensor();
    const auto expected = reference.at("output").toTensor();
    for (const auto& variant : entry["variants"]) {
      SCOPED_TRACE(name + "_" + variant.get<std::string>());
      auto module = torch::jit::load((dir / (name + "_" + variant.get<std::string>() + ".pt")).string());
      module.eval();
      torch::NoGradGuard no_grad;
      const auto actual = first_tensor(module.forward({input.clone()}));  // input_inplace modifies it
      EXPECT_TRUE(torch::allclose(actual, expected, 1e-4, 1e-4))
          << "max difference " << (actual - expected).abs().max().item<float>();
    }
    const auto names = reference.at("names").toList();
    const auto activations = reference.at("activations").toGenericDict();
    EXPECT_EQ(names.size(), activations.size()) << name;
  }
}

TEST(FixtureTest, InplaceReluReferenceKeepsBatchNormNegatives) {
  auto reference = load_reference(test::fixture_dir() / "inplace_relu_ref.pt");
  const auto activations = reference.at("activations").toGenericDict();
  EXPECT_LT(activations.at("bn1").toTensor().min().item<float>(), 0.0f);
  EXPECT_GE(activations.at("relu1").toTensor().min().item<float>(), 0.0f);
}

TEST(FixtureTest, ModuleCalledTwiceIsRecordedTwice) {
  auto reference = load_reference(test::fixture_dir() / "twice_ref.pt");
  std::vector<std::string> names;
  const auto recorded = reference.at("names").toList();
  for (size_t i = 0; i < recorded.size(); ++i) names.push_back(recorded.get(i).toStringRef());
  EXPECT_NE(std::find(names.begin(), names.end(), "shared#2"), names.end());
}

}  // namespace
}  // namespace actscope
