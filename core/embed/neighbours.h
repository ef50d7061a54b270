// Exact k nearest neighbours of every feature row among the others
// (Euclidean), by brute force in tiles: every distance is computed, so
// nothing is approximate, and memory stays bounded by the tile, not by
// rows x rows. Our own tiled kernel rather than LibTorch's matrix product:
// Debian's LibTorch calls the reference BLAS, about 6x slower here
// (tests/bench/RESULTS.md, "Embedding").
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/base/result.h"

namespace actscope {

struct Neighbours {
  int64_t rows = 0;
  int k = 0;
  std::vector<int32_t> index;     // rows x k, nearest first; never the row itself
  std::vector<float> distance2;   // rows x k squared Euclidean distances, ascending
};

// The `k` nearest other rows of each row of `values` (rows x dims,
// row-major), ties to the lower index. Requires 1 <= k < rows. `progress`
// (rows done, rows) may cancel ("cancelled"). Any thread; uses the engine's
// OpenMP threads; the result does not depend on their number.
Result<Neighbours> nearest_neighbours(const float* values, int64_t rows, int64_t dims, int k,
                                      const std::function<bool(size_t, size_t)>& progress = {});

}  // namespace actscope
