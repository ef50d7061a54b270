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
  int32_t children = 0;  // bit q set: child q holds points
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

  // The leaves, each one's points consecutive in tree order.
  const std::vector<int32_t>& leaves() const { return leaves_; }

  // The repulsion on every point of leaf `leaf_index` (a group walk, Barnes
  // 1990): the tree is walked once for the whole leaf, a cell summarized
  // when it is far enough from the nearest point of the leaf's bounding box,
  // so each point gets at least the accuracy of its own walk. Writes
  // force and z by point index.
  void accumulate_leaf(int32_t leaf_index, float theta2, std::vector<double>& force, std::vector<double>& z) const {
    const Cell& leaf = cells_[static_cast<size_t>(leaf_index)];
    float lo_x = INFINITY, hi_x = -INFINITY, lo_y = INFINITY, hi_y = -INFINITY;
    for (int32_t p = leaf.begin; p < leaf.end; ++p) {
      lo_x = std::min(lo_x, xs_[static_cast<size_t>(p)]);
      hi_x = std::max(hi_x, xs_[static_cast<size_t>(p)]);
      lo_y = std::min(lo_y, ys_[static_cast<size_t>(p)]);
      hi_y = std::max(hi_y, ys_[static_cast<size_t>(p)]);
    }
    // Interaction lists: summarized cells (centre and count) and ranges of points met one by one.
    thread_local std::vector<float> far_x, far_y, far_n;
    thread_local std::vector<std::pair<int32_t, int32_t>> near;
    far_x.clear(), far_y.clear(), far_n.clear(), near.clear();
    int32_t stack[4 * kMaxDepth + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Cell& cell = cells_[static_cast<size_t>(stack[--top])];
      const float dx = std::max({lo_x - cell.cx, 0.0f, cell.cx - hi_x});
      const float dy = std::max({lo_y - cell.cy, 0.0f, cell.cy - hi_y});
      // A far leaf is summarized too (many equal points far away cost one term);
      // the leaf itself and its ancestors are never far (distance 0, or theta <= 0.7).
      if (cell.side2 < theta2 * (dx * dx + dy * dy)) {
        far_x.push_back(cell.cx), far_y.push_back(cell.cy), far_n.push_back(cell.count);
      } else if (cell.child < 0) {
        near.emplace_back(cell.begin, cell.end);
      } else {
        for (int32_t c = 0; c < 4; ++c) {
          if (cell.children & (1 << c)) stack[top++] = cell.child + c;
        }
      }
    }
    for (int32_t p = leaf.begin; p < leaf.end; ++p) {
      const float x = xs_[static_cast<size_t>(p)], y = ys_[static_cast<size_t>(p)];
      float fx = 0, fy = 0, zp = 0;
      const size_t far_count = far_x.size();
      const float* cx = far_x.data();
      const float* cy = far_y.data();
      const float* cn = far_n.data();
      // simd reductions: vectorized in a fixed order, the same on every run.
#pragma omp simd reduction(+ : zp, fx, fy)
      for (size_t c = 0; c < far_count; ++c) {
        const float ex = x - cx[c], ey = y - cy[c];
        const float w = 1.0f / (1.0f + ex * ex + ey * ey);
        const float nw = cn[c] * w;
        zp += nw;
        fx += nw * w * ex;
        fy += nw * w * ey;
      }
      // The point itself is among them: it adds 1 to Z (w = 1) and nothing to the force.
      const float* px = xs_.data();
      const float* py = ys_.data();
      for (const auto& [begin, end] : near) {
#pragma omp simd reduction(+ : zp, fx, fy)
        for (int32_t q = begin; q < end; ++q) {
          const float ex = x - px[q], ey = y - py[q];
          const float w = 1.0f / (1.0f + ex * ex + ey * ey);
          zp += w;
          fx += w * w * ex;
          fy += w * w * ey;
        }
      }
      zp -= 1.0f;
      const auto i = static_cast<size_t>(order_[static_cast<size_t>(p)]);
      force[2 * i] = fx;
      force[2 * i + 1] = fy;
      z[i] = zp;
    }
  }

 private:
  // Fills cell `at` (lower corner x0, y0 and `side`) and splits it into four.
  void split(int32_t at, const std::vector<float>& layout, double x0, double y0, double side, int depth) {
    Cell cell = cells_[static_cast<size_t>(at)];
    double sx = 0, sy = 0;
    float lo_x = INFINITY, hi_x = -INFINITY, lo_y = INFINITY, hi_y = -INFINITY;
    for (int32_t p = cell.begin; p < cell.end; ++p) {
      const float x = layout[2 * static_cast<size_t>(order_[static_cast<size_t>(p)])];
      const float y = layout[2 * static_cast<size_t>(order_[static_cast<size_t>(p)]) + 1];
      sx += x, sy += y;
      lo_x = std::min(lo_x, x), hi_x = std::max(hi_x, x);
      lo_y = std::min(lo_y, y), hi_y = std::max(hi_y, y);
    }
    const double n = std::max(1, cell.end - cell.begin);
    cells_[static_cast<size_t>(at)].cx = static_cast<float>(sx / n);
    cells_[static_cast<size_t>(at)].cy = static_cast<float>(sy / n);
    // The opening criterion uses the extent of the cell's points rather than
    // the square's side: a bound on how far they spread around their centre
    // that is never looser, and often much tighter near a cluster's edge.
    const float extent = std::max(hi_x - lo_x, hi_y - lo_y);
    cells_[static_cast<size_t>(at)].side2 = std::min(static_cast<float>(side * side), extent * extent);
    cells_[static_cast<size_t>(at)].count = static_cast<float>(cell.end - cell.begin);
    if (cell.end - cell.begin <= kLeafSize || depth >= kMaxDepth) {
      leaves_.push_back(at);
      return;
    }
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
      if (bounds[q + 1] > bounds[q]) cells_[static_cast<size_t>(at)].children |= 1 << q;
    }
    for (int q = 0; q < 4; ++q) {
      if (bounds[q + 1] > bounds[q]) split(child + q, layout, x0 + (q % 2) * half, y0 + (q / 2) * half, half, depth + 1);
    }
  }

  std::vector<Cell> cells_;
  std::vector<float> xs_, ys_;    // the points in tree order
  std::vector<int32_t> order_;    // tree order -> point index
  std::vector<int32_t> leaves_;
};

}  // namespace

RepulsiveForces repulsive_forces(const std::vector<float>& layout, int64_t count, double theta, int threads) {
  RepulsiveForces result;
  result.force.assign(static_cast<size_t>(2 * count), 0.0);
  if (count < 2) return result;
  const QuadTree tree(layout, count);
  std::vector<double> z(static_cast<size_t>(count), 0.0);
  // Above 1/sqrt(2) a cell holding the point could be summarized with it.
  const auto theta2 = static_cast<float>(std::min(theta, 0.7) * std::min(theta, 0.7));
  const auto& leaves = tree.leaves();
#pragma omp parallel for schedule(dynamic, 16) num_threads(std::max(1, threads))
  for (size_t leaf = 0; leaf < leaves.size(); ++leaf) tree.accumulate_leaf(leaves[leaf], theta2, result.force, z);
  // Summed in point order: the same total whatever the thread count.
  for (double zi : z) result.z += zi;
  return result;
}

}  // namespace actscope
