// The repulsive half of the t-SNE gradient by Barnes-Hut (van der Maaten,
// "Accelerating t-SNE using Tree-Based Algorithms", JMLR 2014): a quadtree
// over the 2-D layout; a cell far enough from a point (its side over the
// distance to its centre of mass below theta) acts as one point at that
// centre, weighted by how many it holds. O(N log N) per iteration.
#pragma once

#include <cstdint>
#include <vector>

namespace actscope {

struct RepulsiveForces {
  std::vector<double> force;  // 2 per point: sum_j w_ij^2 (y_i - y_j), not yet divided by Z
  double z = 0.0;             // Z = sum over i != j of w_ij, w_ij = 1 / (1 + |y_i - y_j|^2)
};

// The forces on each of the `count` points of `layout` (x, y interleaved)
// with opening angle `theta` (0: exact; at most 0.7, larger is taken as 0.7). Points are spread over `threads`
// threads; the result does not depend on the thread count. Any thread.
RepulsiveForces repulsive_forces(const std::vector<float>& layout, int64_t count, double theta, int threads);

}  // namespace actscope
