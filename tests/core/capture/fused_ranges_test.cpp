// The fused capture ops (core/capture/fused_ranges.h) against ATen's own ops and
// aminmax: outputs bit for bit, ranges exactly.
#include "core/capture/fused_ranges.h"

#include <cmath>
#include <tuple>

#include <ATen/core/dispatch/Dispatcher.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

namespace actscope {
namespace {

using Outputs = std::tuple<at::Tensor, at::Tensor, at::Tensor>;

// The schema of an op of ours, found through the dispatcher as the graph finds it.
c10::OperatorHandle find_op(c10::Symbol symbol) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(symbol.toQualString(), "");
}

Outputs call(const at::Tensor& input, const c10::optional<at::Tensor>& weight,
             const c10::optional<at::Tensor>& bias, const at::Tensor& mean, const at::Tensor& var,
             bool training = false) {
  static const auto op =
      find_op(batch_norm_with_ranges_symbol())
          .typed<Outputs(const at::Tensor&, const c10::optional<at::Tensor>&,
                         const c10::optional<at::Tensor>&, const c10::optional<at::Tensor>&,
                         const c10::optional<at::Tensor>&, bool, double, double, bool)>();
  return op.call(input, weight, bias, mean, var, training, 0.1, 1e-5, false);
}

using ReluOutputs = std::tuple<at::Tensor, at::Tensor, at::Tensor, at::Tensor>;

ReluOutputs call_with_relu(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                           const at::Tensor& mean, const at::Tensor& var) {
  static const auto op =
      find_op(batch_norm_relu_with_ranges_symbol())
          .typed<ReluOutputs(const at::Tensor&, const c10::optional<at::Tensor>&,
                             const c10::optional<at::Tensor>&, const c10::optional<at::Tensor>&,
                             const c10::optional<at::Tensor>&, bool, double, double, bool)>();
  return op.call(input, weight, bias, mean, var, false, 0.1, 1e-5, false);
}

Outputs add_relu(const at::Tensor& self, const at::Tensor& other, bool keep_self_dtype = true) {
  static const auto op =
      find_op(add_relu_with_range_symbol()).typed<Outputs(const at::Tensor&, const at::Tensor&, bool)>();
  return op.call(self, other, keep_self_dtype);
}

struct Pool {
  std::vector<int64_t> kernel, stride, padding, dilation = {1, 1};
  bool ceil_mode = false;
};

void PrintTo(const Pool& pool, std::ostream* out) {
  *out << "kernel " << c10::IntArrayRef(pool.kernel) << " stride " << c10::IntArrayRef(pool.stride)
       << " padding " << c10::IntArrayRef(pool.padding) << " dilation " << c10::IntArrayRef(pool.dilation)
       << (pool.ceil_mode ? " ceil" : "");
}

std::tuple<at::Tensor, at::Tensor> max_pool(const at::Tensor& input, const Pool& pool) {
  static const auto op =
      find_op(max_pool2d_with_range_symbol())
          .typed<std::tuple<at::Tensor, at::Tensor>(const at::Tensor&, at::IntArrayRef, at::IntArrayRef,
                                                    at::IntArrayRef, at::IntArrayRef, bool)>();
  return op.call(input, pool.kernel, pool.stride, pool.padding, pool.dilation, pool.ceil_mode);
}

// Bounds as aminmax gives them.
// The range is ATen's aminmax of `values`; NaN when they hold a NaN.
void expect_range(const at::Tensor& range, const at::Tensor& values) {
  auto [low, high] = at::aminmax(values);
  const float expected[2] = {low.item<float>(), high.item<float>()};
  for (int i = 0; i < 2; ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(range[i].item<float>())) << i;
    } else {
      EXPECT_EQ(range[i].item<float>(), expected[i]) << i;
    }
  }
}

// Equal values and, for zeros, equal signs (torch::equal takes -0.0 for 0.0).
void expect_identical(const at::Tensor& actual, const at::Tensor& expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  ASSERT_EQ(actual.scalar_type(), expected.scalar_type());
  EXPECT_TRUE(torch::equal(actual.isnan(), expected.isnan()));
  const at::Tensor finite = ~expected.isnan();
  EXPECT_TRUE(torch::equal(actual.masked_select(finite), expected.masked_select(finite)))
      << "max difference " << (actual - expected).abs().nan_to_num(0).max().item<float>();
  EXPECT_TRUE(torch::equal(actual.signbit(), expected.signbit()));
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
  const at::Tensor double_expected =
      at::batch_norm(doubles, double_ones, double_zeros, double_zeros, double_ones, false, 0.1, 1e-5, false);
  EXPECT_TRUE(torch::equal(double_output, double_expected));  // ATen's values, in double
  EXPECT_EQ(double_in.scalar_type(), torch::kFloat);
  expect_range(double_in, doubles.to(torch::kFloat));
  expect_range(double_out, double_expected.to(torch::kFloat));
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

// The ReLU written in the batch norm's pass is aten::relu of its output, for
// every shape the graph fuses (planes of whole vectors and 7x7 ones).
TEST_P(FusedBatchNormTest, ReluIsAtensReluOfTheOutput) {
  c10::InferenceMode inference;
  torch::manual_seed(5);
  const auto shape = GetParam();
  const int64_t channels = shape[1];
  const at::Tensor input = torch::randn(shape) * 3;
  const at::Tensor weight = torch::randn({channels}), bias = torch::randn({channels});
  const at::Tensor mean = torch::randn({channels}), var = torch::rand({channels}) + 0.1;
  const auto [output, relu, input_range, output_range] = call_with_relu(input, weight, bias, mean, var);
  const at::Tensor expected = at::batch_norm(input, weight, bias, mean, var, false, 0.1, 1e-5, false);
  expect_identical(output, expected);
  expect_identical(relu, at::relu(expected));
  expect_range(input_range, input);
  expect_range(output_range, expected);
}

// NaN stays NaN and -0.0 stays -0.0, as in aten::relu (a bias of -0.0 and a
// -0.0 input give -0.0).
TEST(FusedBatchNormRangeTest, ReluKeepsNanAndNegativeZeroAsAtenDoes) {
  c10::InferenceMode inference;
  at::Tensor input = torch::randn({1, 2, 8, 9});
  input[0][0][3][3] = std::nanf("");
  input[0][1].fill_(-0.0f);
  const at::Tensor weight = torch::ones({2});
  const at::Tensor bias = torch::tensor({0.5f, -0.0f});
  const at::Tensor mean = torch::zeros({2}), var = torch::ones({2});
  const auto [output, relu, input_range, output_range] = call_with_relu(input, weight, bias, mean, var);
  const at::Tensor expected = at::batch_norm(input, weight, bias, mean, var, false, 0.1, 1e-5, false);
  ASSERT_TRUE(expected[0][1].signbit().all().item<bool>()) << "the case needs -0.0 from ATen";
  expect_identical(relu, at::relu(expected));
  EXPECT_TRUE(std::isnan(output_range[0].item<float>()));
}

TEST(FusedAddReluTest, SumAndReluAreAtensBitForBitWithTheSumsRange) {
  c10::InferenceMode inference;
  torch::manual_seed(6);
  for (const std::vector<int64_t>& shape : {std::vector<int64_t>{1, 64, 56, 56}, {2, 512, 7, 7}, {3, 5}}) {
    const at::Tensor a = torch::randn(shape), b = torch::randn(shape);
    const auto [sum, relu, range] = add_relu(a, b);
    const at::Tensor expected = at::add(a, b);
    expect_identical(sum, expected);
    expect_identical(relu, at::relu(expected));
    expect_range(range, expected);
  }
}

TEST(FusedAddReluTest, NanAndNegativeZeroAreKeptAsAtenDoes) {
  c10::InferenceMode inference;
  at::Tensor a = torch::randn({1, 3, 5, 7});
  at::Tensor b = torch::randn({1, 3, 5, 7});
  a[0][1][2][3] = std::nanf("");
  a[0][2].fill_(-0.0f);
  b[0][2].fill_(-0.0f);  // -0.0 + -0.0 is -0.0
  // Two NaNs with other payloads, in the vector part and in the tail: ATen keeps b's.
  for (int64_t at_index : {int64_t{3}, int64_t{104}}) {
    a.view(-1)[at_index] = std::nanf("1");
    b.view(-1)[at_index] = -std::nanf("2");
  }
  const auto [sum, relu, range] = add_relu(a, b);
  const at::Tensor expected = at::add(a, b);
  expect_identical(sum, expected);
  expect_identical(relu, at::relu(expected));
  EXPECT_TRUE(torch::equal(sum.view(torch::kInt32), expected.view(torch::kInt32))) << "NaN payloads differ";
  EXPECT_TRUE(std::isnan(range[0].item<float>()));
  EXPECT_TRUE(std::isnan(range[1].item<float>()));
}

// Broadcasting, other dtypes and strided operands run ATen's ops; `a += b`
// keeps a's dtype, `a + b` promotes.
TEST(FusedAddReluTest, OtherOperandsFallBackToAten) {
  c10::InferenceMode inference;
  const at::Tensor a = torch::randn({2, 4, 3, 3});
  const at::Tensor row = torch::randn({3});
  const auto [broadcast, broadcast_relu, broadcast_range] = add_relu(a, row);
  expect_identical(broadcast, a + row);
  expect_identical(broadcast_relu, at::relu(a + row));
  expect_range(broadcast_range, a + row);
  const at::Tensor doubles = torch::randn({2, 4, 3, 3}, torch::kDouble);
  const at::Tensor in_place = a.clone().add_(doubles);  // computed in double, kept in float
  const auto [kept, kept_relu, kept_range] = add_relu(a, doubles, /*keep_self_dtype=*/true);
  expect_identical(kept, in_place);
  expect_identical(kept_relu, at::relu(in_place));
  expect_range(kept_range, in_place);
  const auto [promoted, promoted_relu, promoted_range] = add_relu(a, doubles, /*keep_self_dtype=*/false);
  expect_identical(promoted, a + doubles);
  expect_identical(promoted_relu, at::relu(a + doubles));
  expect_range(promoted_range, a + doubles);
  const at::Tensor strided = torch::randn({2, 3, 4, 3}).transpose(1, 2);
  expect_identical(std::get<1>(add_relu(a, strided)), at::relu(a + strided));
}

class FusedMaxPoolTest : public ::testing::TestWithParam<std::tuple<std::vector<int64_t>, Pool>> {};

// Bit for bit, also at the padded edges and for widths that are not whole vectors.
TEST_P(FusedMaxPoolTest, OutputIsAtensMaxPoolWithItsRange) {
  c10::InferenceMode inference;
  torch::manual_seed(7);
  const auto& [shape, pool] = GetParam();
  const at::Tensor input = torch::randn(shape);
  const auto [output, range] = max_pool(input, pool);
  const at::Tensor expected =
      at::max_pool2d(input, pool.kernel, pool.stride, pool.padding, pool.dilation, pool.ceil_mode);
  expect_identical(output, expected);
  expect_range(range, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, FusedMaxPoolTest,
    ::testing::Values(
        std::make_tuple(std::vector<int64_t>{1, 64, 112, 112}, Pool{{3, 3}, {2, 2}, {1, 1}}),
        std::make_tuple(std::vector<int64_t>{2, 3, 15, 21}, Pool{{3, 3}, {2, 2}, {1, 1}}),
        std::make_tuple(std::vector<int64_t>{2, 4, 28, 28}, Pool{{2}, {}, {0}}),
        std::make_tuple(std::vector<int64_t>{1, 5, 9, 40}, Pool{{3, 2}, {1, 1}, {1, 0}}),
        std::make_tuple(std::vector<int64_t>{1, 2, 5, 3}, Pool{{5, 5}, {3, 1}, {2, 2}}),
        std::make_tuple(std::vector<int64_t>{1, 3, 17, 17}, Pool{{3, 3}, {2, 2}, {0, 0}}),
        // ATen's own kernel: ceil mode, dilation, stride 3 along the width.
        std::make_tuple(std::vector<int64_t>{1, 3, 17, 17}, Pool{{3, 3}, {2, 2}, {1, 1}, {1, 1}, true}),
        std::make_tuple(std::vector<int64_t>{1, 3, 17, 17}, Pool{{3, 3}, {1, 1}, {0, 0}, {2, 2}}),
        std::make_tuple(std::vector<int64_t>{1, 3, 17, 17}, Pool{{3, 3}, {3, 3}, {0, 0}})));

// ATen's rule: a value replaces the maximum when greater or NaN, scanning
// rows then columns; so a NaN anywhere in a window wins, -inf windows stay
// -inf, and of 0.0 and -0.0 the first one scanned is kept.
TEST(FusedMaxPoolRuleTest, NanInfinityAndSignedZerosFollowAtensScan) {
  c10::InferenceMode inference;
  at::Tensor input = torch::randn({1, 2, 10, 19});
  input[0][0][4][7] = std::nanf("");
  input[0][1].fill_(-std::numeric_limits<float>::infinity());
  at::Tensor zeros = torch::zeros({1, 1, 6, 24});
  zeros.index_put_({0, 0, torch::indexing::Slice(), torch::indexing::Slice(0, c10::nullopt, 2)}, -0.0f);
  for (const auto& [values, pool] : {std::make_pair(input, Pool{{3, 3}, {2, 2}, {1, 1}}),
                                     std::make_pair(zeros, Pool{{2, 2}, {2, 2}, {0, 0}}),
                                     std::make_pair(zeros, Pool{{3, 3}, {1, 1}, {1, 1}})}) {
    const auto [output, range] = max_pool(values, pool);
    const at::Tensor expected = at::max_pool2d(values, pool.kernel, pool.stride, pool.padding);
    expect_identical(output, expected);
    expect_range(range, expected);
  }
  EXPECT_TRUE(std::isnan(std::get<1>(max_pool(input, Pool{{3, 3}, {2, 2}, {1, 1}}))[0].item<float>()));
  // A channel of -inf only: the range reaches down to -inf.
  EXPECT_EQ(std::get<1>(max_pool(input[0][1].unsqueeze(0).unsqueeze(0).contiguous(), Pool{{3, 3}, {2, 2}, {1, 1}}))[0]
                .item<float>(),
            -std::numeric_limits<float>::infinity());
}

// Arguments ATen refuses are refused with ATen's message, not pooled.
TEST(FusedMaxPoolRuleTest, ArgumentsAtenRefusesAreRefused) {
  c10::InferenceMode inference;
  const at::Tensor input = torch::randn({1, 2, 9, 9});
  EXPECT_THROW(max_pool(input, Pool{{3, 3}, {2, 2}, {}}), c10::Error);                     // no padding
  EXPECT_THROW(max_pool(input, Pool{{3, 3}, {2, 2}, {1, 1}, {}}), c10::Error);             // no dilation
  EXPECT_THROW(max_pool(input, Pool{{3, 3}, {int64_t{1} << 33, 2}, {1, 1}}), c10::Error);  // past int32
  EXPECT_THROW(max_pool(input, Pool{{3, 3}, {2, 2}, {2, 2}}), c10::Error);                 // pad > kernel / 2
  EXPECT_THROW(max_pool(torch::randn({1, 2, 2, 2}), Pool{{5, 5}, {1, 1}, {0, 0}}), c10::Error);  // too small
}

TEST(FusedMaxPoolRuleTest, ChannelsLastAndDoubleInputsFallBackToAten) {
  c10::InferenceMode inference;
  const Pool pool{{3, 3}, {2, 2}, {1, 1}};
  const at::Tensor channels_last = torch::randn({1, 8, 12, 12}).contiguous(at::MemoryFormat::ChannelsLast);
  const auto [output, range] = max_pool(channels_last, pool);
  const at::Tensor expected = at::max_pool2d(channels_last, pool.kernel, pool.stride, pool.padding);
  expect_identical(output, expected);
  expect_range(range, expected);
  const at::Tensor doubles = torch::randn({1, 2, 9, 9}, torch::kDouble);
  const auto [double_output, double_range] = max_pool(doubles, pool);
  const at::Tensor double_expected = at::max_pool2d(doubles, pool.kernel, pool.stride, pool.padding);
  expect_identical(double_output, double_expected);
  expect_range(double_range, double_expected);
}

}  // namespace
}  // namespace actscope
