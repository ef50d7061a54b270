// actscope::batch_norm_with_ranges against ATen's batch norm and aminmax.
#include "core/fused_ranges.h"

#include <cmath>
#include <tuple>

#include <ATen/core/dispatch/Dispatcher.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace actscope {
namespace {

using Outputs = std::tuple<at::Tensor, at::Tensor, at::Tensor>;

Outputs call(const at::Tensor& input, const c10::optional<at::Tensor>& weight,
             const c10::optional<at::Tensor>& bias, const at::Tensor& mean, const at::Tensor& var,
             bool training = false) {
  static const auto op =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow(batch_norm_with_ranges_symbol().toQualString(), "")
          .typed<Outputs(const at::Tensor&, const c10::optional<at::Tensor>&,
                         const c10::optional<at::Tensor>&, const c10::optional<at::Tensor>&,
                         const c10::optional<at::Tensor>&, bool, double, double, bool)>();
  return op.call(input, weight, bias, mean, var, training, 0.1, 1e-5, false);
}

// Bounds as aminmax gives them.
void expect_range(const at::Tensor& range, const at::Tensor& values) {
  auto [low, high] = at::aminmax(values);
  EXPECT_EQ(range[0].item<float>(), low.item<float>());
  EXPECT_EQ(range[1].item<float>(), high.item<float>());
}

class FusedBatchNormTest : public ::testing::TestWithParam<std::vector<int64_t>> {};

// Bit for bit: the captures downstream of a batch norm must equal PyTorch's.
TEST_P(FusedBatchNormTest, OutputIsAtensBatchNormBitForBitWithBothRanges) {
  c10::InferenceMode inference;
  torch::manual_seed(3);
  const auto shape = GetParam();
  const int64_t channels = shape[1];
  const at::Tensor input = torch::randn(shape) * 3;
  const at::Tensor weight = torch::randn({channels});
  const at::Tensor bias = torch::randn({channels});
  const at::Tensor mean = torch::randn({channels});
  const at::Tensor var = torch::rand({channels}) + 0.1;
  for (bool affine : {true, false}) {
    const c10::optional<at::Tensor> w = affine ? c10::optional<at::Tensor>(weight) : c10::nullopt;
    const c10::optional<at::Tensor> b = affine ? c10::optional<at::Tensor>(bias) : c10::nullopt;
    const auto [output, input_range, output_range] = call(input, w, b, mean, var);
    const at::Tensor expected = at::batch_norm(input, w, b, mean, var, false, 0.1, 1e-5, false);
    EXPECT_TRUE(torch::equal(output, expected))
        << "max difference " << (output - expected).abs().max().item<float>();
    expect_range(input_range, input);
    expect_range(output_range, expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, FusedBatchNormTest,
                         ::testing::Values(std::vector<int64_t>{1, 64, 112, 112},
                                           std::vector<int64_t>{2, 512, 7, 7},
                                           std::vector<int64_t>{3, 5, 1, 1}, std::vector<int64_t>{4, 10},
                                           std::vector<int64_t>{2, 3, 5, 3}));

TEST(FusedBatchNormRangeTest, NanMakesBothBoundsNanAsAminmaxDoes) {
  c10::InferenceMode inference;
  at::Tensor input = torch::randn({1, 4, 9, 9});
  input[0][2][4][4] = std::nanf("");
  const at::Tensor ones = torch::ones({4});
  const auto [output, input_range, output_range] = call(input, ones, ones, torch::zeros({4}), ones);
  for (const at::Tensor& range : {input_range, output_range}) {
    EXPECT_TRUE(std::isnan(range[0].item<float>()));
    EXPECT_TRUE(std::isnan(range[1].item<float>()));
  }
  EXPECT_TRUE(std::isnan(output[0][2][4][4].item<float>()));
}

// Training mode and inputs the one-pass kernel does not take run ATen's ops.
TEST(FusedBatchNormRangeTest, OtherCasesFallBackToAten) {
  c10::InferenceMode inference;
  torch::manual_seed(4);
  const at::Tensor ones = torch::ones({6});
  const at::Tensor zeros = torch::zeros({6});
  const at::Tensor strided = torch::randn({2, 8, 6, 5}).transpose(1, 2);  // [2, 6, 8, 5], not contiguous
  const auto [output, input_range, output_range] = call(strided, ones, zeros, zeros, ones);
  EXPECT_TRUE(
      torch::equal(output, at::batch_norm(strided, ones, zeros, zeros, ones, false, 0.1, 1e-5, false)));
  expect_range(input_range, strided);
  const at::Tensor doubles = torch::randn({2, 6, 4, 4}, torch::kDouble);
  const at::Tensor double_ones = ones.to(torch::kDouble);
  const at::Tensor double_zeros = zeros.to(torch::kDouble);
  const auto [double_output, double_in, double_out] =
      call(doubles, double_ones, double_zeros, double_zeros, double_ones);
  EXPECT_EQ(double_output.scalar_type(), torch::kDouble);
  EXPECT_EQ(double_in.scalar_type(), torch::kFloat);
  expect_range(double_in, doubles.to(torch::kFloat));
  const at::Tensor batch = torch::randn({4, 6, 3, 3});
  const auto [trained, trained_in, trained_out] = call(batch, ones, zeros, zeros.clone(), ones.clone(), true);
  const at::Tensor expected =
      at::batch_norm(batch, ones, zeros, zeros.clone(), ones.clone(), true, 0.1, 1e-5, false);
  EXPECT_TRUE(torch::equal(trained, expected));
  expect_range(trained_out, expected);
  const at::Tensor empty = torch::randn({0, 6, 4, 4});
  const auto [empty_output, empty_in, empty_out] = call(empty, ones, zeros, zeros, ones);
  EXPECT_EQ(empty_output.numel(), 0);
  EXPECT_EQ(empty_in[0].item<float>(), 0.0f);
  EXPECT_EQ(empty_in[1].item<float>(), 0.0f);
}

}  // namespace
}  // namespace actscope
