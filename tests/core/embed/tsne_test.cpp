#include "core/embed/tsne.h"

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "core/embed/barnes_hut.h"
#include "core/embed/neighbours.h"

namespace actscope {
namespace {

std::vector<float> random_values(size_t count, float deviation, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0f, deviation);
  std::vector<float> values(count);
  for (float& v : values) v = normal(random);
  return values;
}

// Sum over j != i of w_ij^2 (y_i - y_j), and Z, by a double loop.
RepulsiveForces exact_forces(const std::vector<float>& layout, int64_t count) {
  RepulsiveForces exact;
  exact.force.assign(static_cast<size_t>(2 * count), 0.0);
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t j = 0; j < count; ++j) {
      if (i == j) continue;
      const double dx = static_cast<double>(layout[2 * i]) - layout[2 * j];
      const double dy = static_cast<double>(layout[2 * i + 1]) - layout[2 * j + 1];
      const double w = 1.0 / (1.0 + dx * dx + dy * dy);
      exact.z += w;
      exact.force[2 * i] += w * w * dx;
      exact.force[2 * i + 1] += w * w * dy;
    }
  }
  return exact;
}

TEST(BarnesHutTest, ThetaZeroIsTheExactSumAndOneHalfIsClose) {
  const int64_t count = 700;
  auto layout = random_values(2 * count, 5.0f, 4);
  layout[2 * 9] = layout[0];  // a duplicate point
  layout[2 * 9 + 1] = layout[1];
  const auto exact = exact_forces(layout, count);
  const auto tree = repulsive_forces(layout, count, 0.0, 2);
  EXPECT_NEAR(tree.z, exact.z, 1e-5 * exact.z);
  double largest = 0, error = 0, approx_error = 0;
  const auto approx = repulsive_forces(layout, count, 0.5, 2);
  for (size_t v = 0; v < exact.force.size(); ++v) {
    largest = std::max(largest, std::abs(exact.force[v]));
    error = std::max(error, std::abs(tree.force[v] - exact.force[v]));
    approx_error = std::max(approx_error, std::abs(approx.force[v] - exact.force[v]));
  }
  EXPECT_LT(error, 1e-5 * largest);
  EXPECT_LT(approx_error, 0.05 * largest);
  EXPECT_NEAR(approx.z, exact.z, 0.01 * exact.z);
}

TEST(BarnesHutTest, TheForcesDoNotDependOnTheThreadCount) {
  const int64_t count = 3000;
  const auto layout = random_values(2 * count, 3.0f, 5);
  const auto one = repulsive_forces(layout, count, 0.5, 1);
  const auto two = repulsive_forces(layout, count, 0.5, 2);
  EXPECT_EQ(one.force, two.force);
  EXPECT_EQ(one.z, two.z);
}

TEST(TsneAffinitiesTest, EachRowHasThePerplexityAndPIsSymmetricSummingToOne) {
  const int64_t rows = 300, dims = 6;
  const double perplexity = 10.0;
  const auto x = random_values(static_cast<size_t>(rows * dims), 1.0f, 6);
  auto neighbours = nearest_neighbours(x.data(), rows, dims, 30);
  ASSERT_TRUE(neighbours) << neighbours.error();
  const Affinities p = tsne_affinities(neighbours.value(), perplexity);
  std::map<std::pair<int32_t, int32_t>, double> entries;
  double total = 0;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
      entries[{static_cast<int32_t>(i), p.column[e]}] = p.value[e];
      total += p.value[e];
    }
  }
  EXPECT_NEAR(total, 1.0, 1e-5);
  for (const auto& [at, value] : entries) {
    auto mirror = entries.find({at.second, at.first});
    ASSERT_NE(mirror, entries.end());
    EXPECT_FLOAT_EQ(mirror->second, value);
  }
  // Row sums of P are (1 + sum_j p_{i|j}) / (2 N): at least 1 / (2 N).
  for (int64_t i = 0; i < rows; ++i) {
    double row = 0;
    for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) row += p.value[e];
    EXPECT_GE(row, 1.0 / (2.0 * rows) - 1e-7);
  }
}

TEST(TsneTest, SeparatedClustersStaySeparatedAndTheRunRepeats) {
  // Three Gaussian clusters far apart in 10-D.
  const int64_t per = 60, dims = 10, rows = 3 * per;
  auto x = random_values(static_cast<size_t>(rows * dims), 1.0f, 7);
  for (int64_t i = 0; i < rows; ++i) x[i * dims + (i / per)] += 40.0f;
  TsneOptions options;
  options.perplexity = 15;
  options.iterations = 400;
  options.threads = 2;
  auto first = run_tsne(x.data(), rows, dims, options);
  auto second = run_tsne(x.data(), rows, dims, options);
  ASSERT_TRUE(first) << first.error();
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(first.value().layout, second.value().layout);
  EXPECT_GT(first.value().kl_divergence, 0.0);
  // Every point is nearer its own cluster's centre than any other's.
  std::vector<double> cx(3), cy(3);
  for (int64_t i = 0; i < rows; ++i) {
    cx[i / per] += first.value().layout[2 * i] / per;
    cy[i / per] += first.value().layout[2 * i + 1] / per;
  }
  for (int64_t i = 0; i < rows; ++i) {
    double best = INFINITY;
    int64_t nearest = -1;
    for (int64_t c = 0; c < 3; ++c) {
      const double d = std::hypot(first.value().layout[2 * i] - cx[c], first.value().layout[2 * i + 1] - cy[c]);
      if (d < best) best = d, nearest = c;
    }
    EXPECT_EQ(nearest, i / per) << "point " << i;
  }
}

TEST(TsneTest, FeaturesWithNanOrAllTheSameAreRefusedSayingWhy) {
  auto x = random_values(50 * 4, 1.0f, 9);
  x[17 * 4 + 2] = NAN;
  auto run = TsneRun::start(x.data(), 50, 4, TsneOptions{});
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().find("row 17"), std::string::npos) << run.error();
  const std::vector<float> same(50 * 4, 0.5f);
  auto dead = TsneRun::start(same.data(), 50, 4, TsneOptions{});
  ASSERT_FALSE(dead);
  EXPECT_NE(dead.error().find("the same"), std::string::npos) << dead.error();
}

// Many equal points far away are one cluster of the tree: their pull is
// the exact sum (their centre is where they all are).
TEST(BarnesHutTest, ManyEqualPointsFarAwayActAsTheirSum) {
  const int64_t count = 3001;
  std::vector<float> layout(2 * count, 50.0f);
  layout[0] = 0.0f, layout[1] = 0.0f;
  const auto exact = exact_forces(layout, count);
  const auto tree = repulsive_forces(layout, count, 0.5, 2);
  EXPECT_NEAR(tree.force[0], exact.force[0], 1e-5 * std::abs(exact.force[0]));
  EXPECT_NEAR(tree.z, exact.z, 1e-5 * exact.z);
}

TEST(TsneTest, TooFewRowsForThePerplexityLowerIt) {
  const auto x = random_values(20 * 3, 1.0f, 8);
  auto run = TsneRun::start(x.data(), 20, 3, TsneOptions{});
  ASSERT_TRUE(run) << run.error();
  EXPECT_NEAR(run.value().perplexity(), 19.0 / 3.0, 1e-9);
  EXPECT_FALSE(TsneRun::start(x.data(), 3, 3, TsneOptions{}));
}

}  // namespace
}  // namespace actscope
