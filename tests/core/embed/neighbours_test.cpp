#include "core/embed/neighbours.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace actscope {
namespace {

std::vector<float> random_rows(int64_t rows, int64_t dims, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(rows * dims));
  for (float& v : values) v = normal(random);
  return values;
}

// The k nearest other rows by a double-precision double loop.
std::vector<int32_t> brute_force(const std::vector<float>& x, int64_t rows, int64_t dims, int64_t row, int k) {
  std::vector<std::pair<double, int32_t>> all;
  for (int64_t j = 0; j < rows; ++j) {
    if (j == row) continue;
    double d2 = 0;
    for (int64_t d = 0; d < dims; ++d) {
      const double diff = static_cast<double>(x[row * dims + d]) - x[j * dims + d];
      d2 += diff * diff;
    }
    all.emplace_back(d2, static_cast<int32_t>(j));
  }
  std::sort(all.begin(), all.end());
  std::vector<int32_t> nearest;
  for (int i = 0; i < k; ++i) nearest.push_back(all[static_cast<size_t>(i)].second);
  return nearest;
}

TEST(NearestNeighboursTest, EqualADoubleLoopInDoublePrecision) {
  // Sizes that are no multiple of the kernel's tiles (8 rows, 16 and 256 columns).
  const int64_t rows = 523, dims = 37;
  const int k = 12;
  const auto x = random_rows(rows, dims, 3);
  auto found = nearest_neighbours(x.data(), rows, dims, k);
  ASSERT_TRUE(found) << found.error();
  for (int64_t row = 0; row < rows; ++row) {
    const auto expected = brute_force(x, rows, dims, row, k);
    const std::vector<int32_t> got(found.value().index.begin() + row * k, found.value().index.begin() + (row + 1) * k);
    EXPECT_EQ(got, expected) << "row " << row;
    EXPECT_TRUE(std::is_sorted(found.value().distance2.begin() + row * k, found.value().distance2.begin() + (row + 1) * k));
  }
}

TEST(NearestNeighboursTest, DuplicateRowsAreNeighboursAtDistanceZeroNeverThemselves) {
  const int64_t rows = 40, dims = 5;
  auto x = random_rows(rows, dims, 9);
  std::copy_n(x.begin(), dims, x.begin() + 7 * dims);  // row 7 repeats row 0
  auto found = nearest_neighbours(x.data(), rows, dims, 3);
  ASSERT_TRUE(found) << found.error();
  EXPECT_EQ(found.value().index[0], 7);
  EXPECT_EQ(found.value().distance2[0], 0.0f);
  EXPECT_EQ(found.value().index[7 * 3], 0);
  for (int64_t row = 0; row < rows; ++row) {
    for (int j = 0; j < 3; ++j) EXPECT_NE(found.value().index[static_cast<size_t>(row * 3 + j)], row);
  }
}

TEST(NearestNeighboursTest, RefusesKOutsideOneToRowsMinusOne) {
  const auto x = random_rows(5, 2, 1);
  EXPECT_FALSE(nearest_neighbours(x.data(), 5, 2, 5));
  EXPECT_FALSE(nearest_neighbours(x.data(), 5, 2, 0));
}

TEST(NearestNeighboursTest, ACancelStopsTheSearch) {
  const auto x = random_rows(2000, 4, 2);
  auto found = nearest_neighbours(x.data(), 2000, 4, 5, [](size_t, size_t) { return false; });
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error(), "cancelled");
}

}  // namespace
}  // namespace actscope
