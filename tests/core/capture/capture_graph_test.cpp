// The capture rewrite on its own, below the Model: which points it finds,
// what a run returns for them, the ranges it derives, and the gradient path.
#include "core/capture/capture_graph.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/script.h>

#include "tests/support/reference.h"

namespace actscope {
namespace {

torch::jit::Module load_fixture(const std::string& model) {
  torch::jit::Module module = torch::jit::load(test::fixture_model(model, "scripted"));
  module.eval();
  return module;
}

std::vector<std::string> point_names(const CaptureGraph& graph) {
  std::vector<std::string> names;
  for (const auto& point : graph.points()) names.push_back(point.name);
  return names;
}

int capture_of(const CaptureGraph& graph, const std::string& name) {
  for (const auto& point : graph.points()) {
    if (point.name == name) return point.output_index;
  }
  ADD_FAILURE() << "no point " << name;
  return -1;
}

TEST(CaptureGraphTest, PointsAreCallsInCompletionOrderWithRepeatsNumbered) {
  const torch::jit::Module module = load_fixture("twice");
  const CaptureGraph graph(module);
  EXPECT_TRUE(graph.has_module_calls());
  EXPECT_EQ(point_names(graph),
            (std::vector<std::string>{"stem", "act", "shared", "act#2", "shared#2", ":mean", "head"}));
  for (const auto& point : graph.points()) {
    EXPECT_GE(point.output_index, 0) << point.name << ": " << point.not_capturable_reason;
    EXPECT_EQ(point.is_module, point.name != ":mean") << point.name;
  }
  EXPECT_EQ(graph.points()[3].module_path, "act");  // act#2 is a second call of act
}

TEST(CaptureGraphTest, NestedModulesAndFunctionalOpsAreNamedByTheirScope) {
  const torch::jit::Module module = load_fixture("functional");
  const CaptureGraph graph(module);
  const std::vector<std::string> names = point_names(graph);
  for (const char* expected : {"block.conv", "block:relu", "block:add", "block", "stage.1:add", ":cat"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  // A module completes after its children.
  const auto at = [&](const std::string& name) { return std::find(names.begin(), names.end(), name); };
  EXPECT_LT(at("block:add"), at("block"));
  EXPECT_LT(at("stage.1"), at("stage"));
}

TEST(CaptureGraphTest, RunReturnsEachCaptureWithItsExactRange) {
  const torch::jit::Module module = load_fixture("inplace_relu");
  const CaptureGraph graph(module);
  c10::InferenceMode inference;
  const auto output = graph.run(module, torch::randn({2, 3, 16, 16}));
  ASSERT_EQ(output.captures.size(), output.ranges.size());
  for (size_t i = 0; i < output.captures.size(); ++i) {
    const auto [low, high] = torch::aminmax(output.captures[i]);
    EXPECT_EQ(output.ranges[i].first, low.item<float>()) << i;
    EXPECT_EQ(output.ranges[i].second, high.item<float>()) << i;
  }
  // The in-place ReLU after bn1 did not overwrite the captured BatchNorm.
  EXPECT_LT(output.ranges[capture_of(graph, "bn1")].first, 0.0f);
  EXPECT_GE(output.ranges[capture_of(graph, "relu1")].first, 0.0f);
}

TEST(CaptureGraphTest, ReluRangeIsDerivedFromTheBatchNormItReads) {
  const torch::jit::Module module = load_fixture("inplace_relu");
  const CaptureGraph graph(module);
  const RangeSource& relu = graph.range_sources().at(capture_of(graph, "relu1"));
  EXPECT_EQ(relu.from, capture_of(graph, "bn1"));
  EXPECT_EQ(relu.low, 0.0f);
  EXPECT_EQ(graph.range_sources().at(capture_of(graph, "bn1")).from, -1);
}

TEST(CaptureGraphTest, BaseGraphReturnsTheModelOutputThenEveryCapture) {
  const torch::jit::Module module = load_fixture("twice");
  const CaptureGraph graph(module);
  int captures = 0;
  for (const auto& point : graph.points()) captures = std::max(captures, point.output_index + 1);
  EXPECT_EQ(graph.base_graph().outputs().size(), static_cast<size_t>(1 + captures));
}

TEST(CaptureGraphTest, GradientLeavesHoldTheCapturedValuesAndReceiveTheGradient) {
  const torch::jit::Module module = load_fixture("inplace_relu");
  const CaptureGraph graph(module);
  const torch::Tensor input = torch::randn({1, 3, 16, 16});
  const std::vector<int> wanted{capture_of(graph, "bn2"), capture_of(graph, "bn1")};
  torch::Tensor expected_bn2;
  {
    c10::InferenceMode inference;
    expected_bn2 = graph.run(module, input).captures[wanted[0]].clone();
  }
  const auto output = graph.run_with_leaves(module, input, wanted);
  ASSERT_EQ(output.leaves.size(), 2u);
  EXPECT_TRUE(torch::equal(output.leaves[0].detach(), expected_bn2));
  const torch::Tensor score = output.model_output.toTensor().select(1, 3).sum();
  const auto gradients = torch::autograd::grad({score}, output.leaves, {}, false, false, true);
  // bn1 is the earliest leaf and feeds bn2: both get a gradient.
  for (const auto& gradient : gradients) {
    ASSERT_TRUE(gradient.defined());
    EXPECT_GT(gradient.abs().sum().item<float>(), 0.0f);
  }
}

// The path that stops at its captures (eval BatchNorms as their affine maps)
// against the whole rewrite: the same values and the same input gradients,
// for every capture point of models full of conv + BatchNorm (mobilenet_v2's
// fixture has running variances down to 2e-4: folding them into the
// convolutions' weights instead gave gradients 1 % off there).
TEST(CaptureGraphTest, StoppingAtACaptureKeepsItsValueAndInputGradient) {
  for (const auto& [name, size] : {std::pair{"inplace_relu", 16}, std::pair{"vgg11_bn", 64},
                                   std::pair{"mobilenet_v2", 64}, std::pair{"resnet18", 64}}) {
    const torch::jit::Module module = load_fixture(name);
    const CaptureGraph graph(module);
    torch::manual_seed(1);
    const torch::Tensor input = torch::randn({2, 3, size, size});
    std::vector<torch::Tensor> expected;
    {
      c10::InferenceMode inference;
      for (const auto& capture : graph.run(module, input).captures) expected.push_back(capture.clone());
    }
    int compared = 0;
    for (const auto& point : graph.points()) {
      if (point.output_index < 0 || expected[point.output_index].dim() < 2) continue;
      const torch::Tensor& want = expected[point.output_index];
      const torch::Tensor leaf_input = input.clone().requires_grad_(true);
      const auto stopped = graph.run_with_leaves(module, leaf_input, {point.output_index}, false);
      ASSERT_TRUE(stopped.model_output.isNone()) << name << " " << point.name;
      const torch::Tensor got = stopped.leaves.at(0);
      const double scale = std::max(want.abs().max().item<double>(), 1e-6);
      ASSERT_LE((got.detach() - want).abs().max().item<double>(), 1e-4 * scale) << name << " " << point.name;
      if (compared++ % 3 != 0 || !got.requires_grad()) continue;
      const torch::Tensor weights = torch::rand_like(want);
      const auto ours = torch::autograd::grad({(got * weights).sum()}, {leaf_input})[0];
      const torch::Tensor whole_input = input.clone().requires_grad_(true);
      const auto whole = graph.run_with_leaves(module, whole_input, {point.output_index});
      const auto theirs = torch::autograd::grad({(whole.leaves.at(0) * weights).sum()}, {whole_input})[0];
      const double gradient_scale = std::max(theirs.abs().max().item<double>(), 1e-6);
      ASSERT_LE((ours - theirs).abs().max().item<double>(), 1e-4 * gradient_scale) << name << " " << point.name;
    }
    EXPECT_GT(compared, 8) << name;
  }
}

}  // namespace
}  // namespace actscope
