#include "core/similarity/gram.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/model/model.h"

namespace actscope {
namespace {

std::vector<float> random_rows(int64_t rows, int64_t dims, unsigned seed, float offset = 0.0f) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(offset, 1.0f);
  std::vector<float> values(static_cast<size_t>(rows * dims));
  for (float& v : values) v = normal(random);
  return values;
}

// X X^T by a double loop in double precision.
std::vector<double> double_loop_gram(const std::vector<float>& x, int64_t rows, int64_t dims) {
  std::vector<double> k(static_cast<size_t>(rows * rows));
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < rows; ++j) {
      double sum = 0;
      for (int64_t d = 0; d < dims; ++d) sum += static_cast<double>(x[i * dims + d]) * x[j * dims + d];
      k[static_cast<size_t>(i * rows + j)] = sum;
    }
  }
  return k;
}

// HSIC_1 from the formula's matrix products, written out.
double reference_hsic(std::vector<double> k, std::vector<double> l, int64_t n) {
  for (int64_t i = 0; i < n; ++i) k[static_cast<size_t>(i * n + i)] = l[static_cast<size_t>(i * n + i)] = 0;
  double trace = 0, sum_k = 0, sum_l = 0, kl_sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double kl = 0;
      for (int64_t m = 0; m < n; ++m) kl += k[static_cast<size_t>(i * n + m)] * l[static_cast<size_t>(m * n + j)];
      if (i == j) trace += kl;
      kl_sum += kl;
      sum_k += k[static_cast<size_t>(i * n + j)];
      sum_l += l[static_cast<size_t>(i * n + j)];
    }
  }
  const double nd = static_cast<double>(n);
  return (trace + sum_k * sum_l / ((nd - 1) * (nd - 2)) - 2 / (nd - 2) * kl_sum) / (nd * (nd - 3));
}

TEST(BatchGramTest, EqualsADoubleLoopOffTheTiles) {
  // Rows and values that are no multiple of the kernel's tiles (4 x 2 rows, 1,024 values a pass, 8 lanes):
  // one pass, several passes, a last pass of 6 or 3 values (copied and padded) or of 904.
  for (const auto& [rows, dims] : std::vector<std::pair<int64_t, int64_t>>{
           {5, 3}, {37, 300}, {64, 1000}, {70, 513}, {9, 1030}, {23, 2051}, {64, 5000}}) {
    const auto x = random_rows(rows, dims, static_cast<unsigned>(rows * 7 + dims), 0.7f);
    const auto want = double_loop_gram(x, rows, dims);
    const BatchGram gram = batch_gram(x.data(), rows, dims);
    ASSERT_EQ(gram.images, rows);
    double total = 0;
    for (int64_t i = 0; i < rows; ++i) {
      double row_sum = 0;
      for (int64_t j = 0; j < rows; ++j) {
        const double got = gram.k[static_cast<size_t>(i * rows + j)];
        if (i == j) {
          EXPECT_EQ(got, 0.0) << "the diagonal is set to 0";
          continue;
        }
        const double expected = want[static_cast<size_t>(i * rows + j)];
        EXPECT_NEAR(got, expected, 1e-5 * (1.0 + static_cast<double>(dims))) << rows << "x" << dims << " at " << i << "," << j;
        row_sum += got;
      }
      EXPECT_NEAR(gram.row_sums[static_cast<size_t>(i)], row_sum, 1e-9 * (1 + std::abs(row_sum)));
      total += row_sum;
    }
    EXPECT_NEAR(gram.total, total, 1e-9 * (1 + std::abs(total)));
  }
}

TEST(BatchGramTest, SameValuesOnOneThreadAndTwo) {
  const auto x = random_rows(64, 5000, 3);
  set_thread_count(1);
  const BatchGram one = batch_gram(x.data(), 64, 5000);
  set_thread_count(2);
  const BatchGram two = batch_gram(x.data(), 64, 5000);
  set_thread_count(0);
  for (size_t i = 0; i < one.k.size(); ++i) ASSERT_NEAR(one.k[i], two.k[i], 1e-9 * (1 + std::abs(one.k[i])));
}

TEST(UnbiasedHsicTest, EqualsTheFormulasMatrixProducts) {
  const int64_t n = 12;
  const auto x = random_rows(n, 40, 1, 0.3f);
  auto y = random_rows(n, 25, 2);
  for (int64_t i = 0; i < n; ++i) y[static_cast<size_t>(i * 25)] += 2 * x[static_cast<size_t>(i * 40)];
  const double got = unbiased_hsic(batch_gram(x.data(), n, 40), batch_gram(y.data(), n, 25));
  const double want = reference_hsic(double_loop_gram(x, n, 40), double_loop_gram(y, n, 25), n);
  EXPECT_NEAR(got, want, 1e-6 * std::abs(want));
  EXPECT_GT(want, 0.0) << "features that share a coordinate depend on each other";
}

TEST(UnbiasedHsicTest, FeaturesShiftedByAConstantGiveTheSameHsic) {
  // HSIC of linear kernels estimates ||Cov(x, y)||^2, blind to the features' mean.
  const int64_t n = 20;
  const auto x = random_rows(n, 30, 4);
  auto shifted = x;
  for (size_t i = 0; i < shifted.size(); ++i) shifted[i] += static_cast<float>(i % 30) * 0.5f;
  const BatchGram k = batch_gram(x.data(), n, 30);
  const double plain = unbiased_hsic(k, k);
  const BatchGram ks = batch_gram(shifted.data(), n, 30);
  EXPECT_NEAR(unbiased_hsic(k, ks), plain, 1e-4 * plain);
}

}  // namespace
}  // namespace actscope
