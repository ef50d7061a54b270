// Finding the global-average-pool + linear head that CAM (Zhou et al.) needs.
#include "core/explain/gap_linear_head.h"

#include <string>

#include <gtest/gtest.h>
#include <torch/script.h>

#include "tests/support/reference.h"

namespace actscope {
namespace {

// The name of the point that holds capture `index`.
std::string point_of(const CaptureGraph& graph, int index) {
  for (const auto& point : graph.points()) {
    if (point.output_index == index) return point.name;
  }
  return "";
}

TEST(GapLinearHeadTest, PoolModuleFlattenAndLinearAreFoundWithTheLinearWeights) {
  torch::jit::Module module = torch::jit::load(test::fixture_model("inplace_relu", "scripted"));
  module.eval();
  const CaptureGraph graph(module);
  std::string notice;
  const auto head = find_gap_linear_head(graph, module, notice);
  ASSERT_TRUE(head) << notice;
  EXPECT_EQ(point_of(graph, head->feature_capture), "relu2");
  EXPECT_TRUE(torch::equal(head->weight, module.attr("fc").toModule().attr("weight").toTensor()));
}

TEST(GapLinearHeadTest, MeanOverSpaceIsAGlobalPool) {
  torch::jit::Module module = torch::jit::load(test::fixture_model("twice", "traced"));
  module.eval();
  const CaptureGraph graph(module);
  std::string notice;
  const auto head = find_gap_linear_head(graph, module, notice);
  ASSERT_TRUE(head) << notice;
  EXPECT_EQ(point_of(graph, head->feature_capture), "shared#2");
  EXPECT_EQ(head->weight.sizes(), (c10::IntArrayRef{10, 8}));
}

}  // namespace
}  // namespace actscope
