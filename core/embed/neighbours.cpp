#include "core/embed/neighbours.h"

#include <algorithm>
#include <limits>
#include <queue>
#include <string>

namespace actscope {
namespace {

// Rows and columns of one tile of dot products: kRows x kColumns floats (8 KiB) stay in L1.
constexpr int64_t kRows = 8;
constexpr int64_t kColumns = 256;

// A micro-tile of dot products kept in registers over the whole sum.
constexpr int64_t kMicroRows = 4;
constexpr int64_t kMicroColumns = 16;

// dots[r][c] = <x[row + r], x[column + c]> for the tile, with `transposed`
// the features column-major (dims x stride, zero past the last row) so that
// the inner loops run along contiguous columns and vectorize without
// reordering any float sum. Rows past `row_count` repeat the last row.
// Compiled twice (AVX2 and the baseline); the CPU picks at load time.
__attribute__((target_clones("avx2", "default"))) void dot_tile(const float* x, const float* transposed,
                                                                int64_t stride, int64_t dims, int64_t row,
                                                                int64_t row_count, int64_t column,
                                                                int64_t column_count, float* dots) {
  for (int64_t r0 = 0; r0 < row_count; r0 += kMicroRows) {
    const float* a[kMicroRows];
    for (int64_t r = 0; r < kMicroRows; ++r) a[r] = x + (row + std::min(r0 + r, row_count - 1)) * dims;
    for (int64_t c0 = 0; c0 < column_count; c0 += kMicroColumns) {
      float acc[kMicroRows][kMicroColumns] = {};
      const float* along = transposed + column + c0;
      for (int64_t d = 0; d < dims; ++d, along += stride) {
        for (int64_t r = 0; r < kMicroRows; ++r) {
          const float value = a[r][d];
          for (int64_t c = 0; c < kMicroColumns; ++c) acc[r][c] += value * along[c];
        }
      }
      for (int64_t r = 0; r < kMicroRows && r0 + r < row_count; ++r) {
        std::copy_n(acc[r], kMicroColumns, dots + (r0 + r) * kColumns + c0);
      }
    }
  }
}

// The k nearest of one row: a bounded max-heap of (distance, index).
using Candidate = std::pair<float, int32_t>;
struct Nearest {
  std::priority_queue<Candidate> heap;
  void offer(float distance, int32_t index, int k) {
    if (static_cast<int>(heap.size()) < k) {
      heap.emplace(distance, index);
    } else if (Candidate(distance, index) < heap.top()) {
      heap.pop();
      heap.emplace(distance, index);
    }
  }
};

void search_block(const float* x, const float* transposed, int64_t stride, const std::vector<float>& squared,
                  int64_t rows, int64_t dims, int k, int64_t row, Neighbours& found) {
  const int64_t count = std::min(kRows, rows - row);
  std::vector<float> dots(static_cast<size_t>(kRows * kColumns));  // kColumns is a multiple of kMicroColumns
  std::vector<Nearest> nearest(static_cast<size_t>(count));
  for (int64_t column = 0; column < rows; column += kColumns) {
    const int64_t width = std::min(kColumns, rows - column);
    dot_tile(x, transposed, stride, dims, row, count, column, width, dots.data());
    for (int64_t r = 0; r < count; ++r) {
      for (int64_t c = 0; c < width; ++c) {
        if (column + c == row + r) continue;
        const float d2 = std::max(0.0f, squared[row + r] + squared[column + c] - 2.0f * dots[r * kColumns + c]);
        nearest[r].offer(d2, static_cast<int32_t>(column + c), k);
      }
    }
  }
  for (int64_t r = 0; r < count; ++r) {
    for (int j = k - 1; j >= 0; --j) {
      found.distance2[static_cast<size_t>((row + r) * k + j)] = nearest[r].heap.top().first;
      found.index[static_cast<size_t>((row + r) * k + j)] = nearest[r].heap.top().second;
      nearest[r].heap.pop();
    }
  }
}

}  // namespace

Result<Neighbours> nearest_neighbours(const float* values, int64_t rows, int64_t dims, int k,
                                      const std::function<bool(size_t, size_t)>& progress) {
  if (k < 1 || k >= rows) {
    return Error{"nearest neighbours need 1 <= k < rows (k " + std::to_string(k) + ", rows " + std::to_string(rows) + ")"};
  }
  // Columns padded to whole micro-tiles with zeros.
  const int64_t stride = (rows + kMicroColumns - 1) / kMicroColumns * kMicroColumns;
  std::vector<float> transposed(static_cast<size_t>(stride * dims), 0.0f);
  std::vector<float> squared(static_cast<size_t>(rows), 0.0f);
  // Distances from centred features: |a|^2 + |b|^2 - 2ab keeps its precision
  // when the features share a large offset.
  std::vector<double> mean(static_cast<size_t>(dims), 0.0);
  for (int64_t i = 0; i < rows * dims; ++i) mean[static_cast<size_t>(i % dims)] += values[i];
  for (double& m : mean) m /= static_cast<double>(rows);
  std::vector<float> centred(static_cast<size_t>(rows * dims));
  for (int64_t i = 0; i < rows * dims; ++i) {
    centred[static_cast<size_t>(i)] = static_cast<float>(values[i] - mean[static_cast<size_t>(i % dims)]);
  }
  values = centred.data();
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t d = 0; d < dims; ++d) {
      const float v = values[i * dims + d];
      transposed[static_cast<size_t>(d * stride + i)] = v;
      squared[static_cast<size_t>(i)] += v * v;
    }
  }
  Neighbours found;
  found.rows = rows;
  found.k = k;
  found.index.resize(static_cast<size_t>(rows * k));
  found.distance2.resize(static_cast<size_t>(rows * k));
  // Blocks of rows between progress reports (and chances to cancel).
  const int64_t report = kRows * 64;
  for (int64_t start = 0; start < rows; start += report) {
    const int64_t end = std::min(rows, start + report);
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t row = start; row < end; row += kRows) {
      search_block(values, transposed.data(), stride, squared, rows, dims, k, row, found);
    }
    if (progress && !progress(static_cast<size_t>(end), static_cast<size_t>(rows))) return Error{"cancelled"};
  }
  return found;
}

}  // namespace actscope
