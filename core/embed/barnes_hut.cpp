#include "core/embed/barnes_hut.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace actscope {
namespace {

// A square cell of the quadtree and the points under it: [begin, end) of
// the tree's point order. Children are four consecutive cells, or none.
// 32 bytes, what a traversal reads; the corner is only needed while building.
struct Cell {
  float cx = 0, cy = 0;  // centre of mass
  float side2 = 0;       // side squared
  float count = 0;
  int32_t begin = 0, end = 0;
  int32_t child = -1;    // first of four children; -1: a leaf
  int32_t unused = 0;
};

// Below this many points a cell is a leaf whose points are visited one by one.
constexpr int kLeafSize = 8;
// Deeper than this, points are (nearly) equal: keep them in one leaf.
constexpr int kMaxDepth = 40;

class QuadTree {
 public:
  QuadTree(const std::vector<float>& layout, int64_t count) : xs_(count), ys_(count), order_(count) {
    std::iota(order_.begin(), order_.end(), 0);
    double lo_x = layout[0], hi_x = layout[0], lo_y = layout[1], hi_y = layout[1];
    for (int64_t i = 0; i < count; ++i) {
      lo_x = std::min<double>(lo_x, layout[2 * i]);
      hi_x = std::max<double>(hi_x, layout[2 * i]);
      lo_y = std::min<double>(lo_y, layout[2 * i + 1]);
      hi_y = std::max<double>(hi_y, layout[2 * i + 1]);
    }
    Cell root;
    root.end = static_cast<int32_t>(count);
    cells_.push_back(root);
    cells_.reserve(static_cast<size_t>(count));
    split(0, layout, lo_x, lo_y, std::max({hi_x - lo_x, hi_y - lo_y, 1e-12}) * (1 + 1e-9), 0);
    for (int64_t i = 0; i < count; ++i) {
      xs_[i] = layout[2 * order_[i]];
      ys_[i] = layout[2 * order_[i] + 1];
    }
  }

  // Sums the repulsion on the point at (x, y), whose own index is `self`.
  void accumulate(int32_t self, float x, float y, float theta2, double& fx, double& fy, double& z) const {
    int32_t stack[4 * kMaxDepth + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Cell& cell = cells_[static_cast<size_t>(stack[--top])];
      const float dx = x - cell.cx, dy = y - cell.cy;
      const float d2 = dx * dx + dy * dy;
      if (cell.child >= 0 && cell.side2 >= theta2 * d2) {
        for (int32_t c = 0; c < 4; ++c) {
          if (cells_[static_cast<size_t>(cell.child + c)].end > cells_[static_cast<size_t>(cell.child + c)].begin) {
            stack[top++] = cell.child + c;
          }
        }
        continue;
      }
      if (cell.child >= 0) {
        const float w = 1.0f / (1.0f + d2);
        const float nw = cell.count * w;
        z += nw;
        fx += nw * w * dx;
        fy += nw * w * dy;
        continue;
      }
      float lz = 0, lx = 0, ly = 0;
      for (int32_t p = cell.begin; p < cell.end; ++p) {
        if (order_[static_cast<size_t>(p)] == self) continue;
        const float px = x - xs_[static_cast<size_t>(p)], py = y - ys_[static_cast<size_t>(p)];
        const float w = 1.0f / (1.0f + px * px + py * py);
        lz += w;
        lx += w * w * px;
        ly += w * w * py;
      }
      z += lz;
      fx += lx;
      fy += ly;
    }
  }

 // Point index of the p-th point in tree order (nearby points are near in this order).
  int32_t point(int64_t p) const { return order_[static_cast<size_t>(p)]; }

 private:
  // Fills cell `at` (lower corner x0, y0 and `side`) and splits it into four.
  void split(int32_t at, const std::vector<float>& layout, double x0, double y0, double side, int depth) {
    Cell cell = cells_[static_cast<size_t>(at)];
    double sx = 0, sy = 0;
    for (int32_t p = cell.begin; p < cell.end; ++p) {
      sx += layout[2 * static_cast<size_t>(order_[static_cast<size_t>(p)])];
      sy += layout[2 * static_cast<size_t>(order_[static_cast<size_t>(p)]) + 1];
    }
    const double n = std::max(1, cell.end - cell.begin);
    cells_[static_cast<size_t>(at)].cx = static_cast<float>(sx / n);
    cells_[static_cast<size_t>(at)].cy = static_cast<float>(sy / n);
    cells_[static_cast<size_t>(at)].side2 = static_cast<float>(side * side);
    cells_[static_cast<size_t>(at)].count = static_cast<float>(cell.end - cell.begin);
    if (cell.end - cell.begin <= kLeafSize || depth >= kMaxDepth) return;
    const double half = side / 2, mx = x0 + half, my = y0 + half;
    auto first = order_.begin() + cell.begin, last = order_.begin() + cell.end;
    auto below = [&](int32_t i) { return layout[2 * static_cast<size_t>(i) + 1] < my; };
    auto left = [&](int32_t i) { return layout[2 * static_cast<size_t>(i)] < mx; };
    auto mid_y = std::partition(first, last, below);
    auto mid_low = std::partition(first, mid_y, left);
    auto mid_high = std::partition(mid_y, last, left);
    const int32_t bounds[5] = {cell.begin, static_cast<int32_t>(mid_low - order_.begin()),
                               static_cast<int32_t>(mid_y - order_.begin()),
                               static_cast<int32_t>(mid_high - order_.begin()), cell.end};
    const auto child = static_cast<int32_t>(cells_.size());
    cells_[static_cast<size_t>(at)].child = child;
    for (int q = 0; q < 4; ++q) {
      Cell sub;
      sub.begin = bounds[q];
      sub.end = bounds[q + 1];
      cells_.push_back(sub);
    }
    for (int q = 0; q < 4; ++q) {
      if (bounds[q + 1] > bounds[q]) split(child + q, layout, x0 + (q % 2) * half, y0 + (q / 2) * half, half, depth + 1);
    }
  }

  std::vector<Cell> cells_;
  std::vector<float> xs_, ys_;    // the points in tree order
  std::vector<int32_t> order_;    // tree order -> point index
};

}  // namespace

RepulsiveForces repulsive_forces(const std::vector<float>& layout, int64_t count, double theta, int threads) {
  RepulsiveForces result;
  result.force.assign(static_cast<size_t>(2 * count), 0.0);
  if (count < 2) return result;
  const QuadTree tree(layout, count);
  std::vector<double> z(static_cast<size_t>(count), 0.0);
  const auto theta2 = static_cast<float>(theta * theta);
  // In tree order: consecutive points walk nearly the same cells, which stay in cache.
#pragma omp parallel for schedule(dynamic, 256) num_threads(std::max(1, threads))
  for (int64_t p = 0; p < count; ++p) {
    const int32_t i = tree.point(p);
    double fx = 0, fy = 0, zi = 0;
    tree.accumulate(i, layout[2 * static_cast<size_t>(i)], layout[2 * static_cast<size_t>(i) + 1], theta2, fx, fy, zi);
    result.force[static_cast<size_t>(2 * i)] = fx;
    result.force[static_cast<size_t>(2 * i + 1)] = fy;
    z[static_cast<size_t>(i)] = zi;
  }
  // Summed in point order: the same total whatever the thread count.
  for (double zi : z) result.z += zi;
  return result;
}

}  // namespace actscope
