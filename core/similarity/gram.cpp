#include "core/similarity/gram.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

namespace actscope {
namespace {

// Values per pass: each row's run of the pass (4 KiB) is read straight from
// the row-major features; a tile's rows stay in L1, the pass in L2.
constexpr int64_t kDepth = 1024;
// A micro-tile of dot products kept in registers over the pass: 4 rows
// against 2, eight lanes each (the lanes are summed at the pass's end).
constexpr int64_t kTileRows = 4;
constexpr int64_t kTileColumns = 2;

// Eight floats in one register (two SSE registers on the baseline).
typedef float Lanes __attribute__((vector_size(32)));

// For every tile on or above the diagonal, sums[i][j] (row-major, `images`
// wide, i <= j) += the dot product of rows i and j over values [first,
// first + depth) of the pass, taken in float in eight lanes and summed in
// double. `rows` points at each row's values; rows past the last image
// point at zeros. `depth` is a multiple of 8 (the features' tail is padded
// by the caller).
#define ACTSCOPE_PASS_BODY                                                                      \
  for (int64_t i0 = 0; i0 < padded; i0 += kTileRows) {                                         \
    for (int64_t j0 = i0 / kTileColumns * kTileColumns; j0 < padded; j0 += kTileColumns) {       \
      Lanes acc[kTileRows][kTileColumns] = {};                                                  \
      for (int64_t d = 0; d < depth; d += 8) {                                                  \
        Lanes b[kTileColumns];                                                                  \
        for (int64_t c = 0; c < kTileColumns; ++c) std::memcpy(&b[c], rows[j0 + c] + d, sizeof(Lanes)); \
        for (int64_t r = 0; r < kTileRows; ++r) {                                               \
          Lanes a;                                                                              \
          std::memcpy(&a, rows[i0 + r] + d, sizeof a);                                          \
          for (int64_t c = 0; c < kTileColumns; ++c) acc[r][c] += a * b[c];                     \
        }                                                                                       \
      }                                                                                         \
      for (int64_t r = 0; r < kTileRows; ++r) {                                                 \
        for (int64_t c = 0; c < kTileColumns; ++c) {                                            \
          const int64_t i = i0 + r, j = j0 + c;                                                 \
          if (i >= images || j >= images || j < i) continue;                                    \
          float total = 0.0f;                                                                   \
          for (int k = 0; k < 8; ++k) total += acc[r][c][k];                                    \
          sums[i * images + j] += total;                                                        \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
  }

// The same loops compiled twice, for AVX2 with FMA and for the baseline
// (x86-64's SSE2); pass_products picks by what the CPU has. (GCC's
// target_clones("arch=haswell") picks by the CPU's model name: an AMD CPU
// with AVX2 got the baseline, 13 times slower.)
__attribute__((target("avx2,fma"))) void pass_products_avx2(const float* const* rows, int64_t images, int64_t padded,
                                                             int64_t depth, double* sums) {
  ACTSCOPE_PASS_BODY
}

void pass_products_baseline(const float* const* rows, int64_t images, int64_t padded, int64_t depth, double* sums) {
  ACTSCOPE_PASS_BODY
}

#undef ACTSCOPE_PASS_BODY

void pass_products(const float* const* rows, int64_t images, int64_t padded, int64_t depth, double* sums) {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) {
    pass_products_avx2(rows, images, padded, depth, sums);
  } else {
    pass_products_baseline(rows, images, padded, depth, sums);
  }
}

}  // namespace

BatchGram batch_gram(const float* x, int64_t images, int64_t dims) {
  const int64_t padded = (images + kTileRows - 1) / kTileRows * kTileRows;
  const int64_t passes = (dims + kDepth - 1) / kDepth;
  const int threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(omp_get_max_threads(), passes)));
  // One double accumulator per thread, added in thread order at the end.
  std::vector<std::vector<double>> partial(static_cast<size_t>(threads),
                                           std::vector<double>(static_cast<size_t>(images * images), 0.0));
#pragma omp parallel num_threads(threads)
  {
    std::vector<double>& sums = partial[static_cast<size_t>(omp_get_thread_num())];
    // The last pass's values copied, zero-padded to a multiple of 8; rows past the last image: zeros.
    std::vector<float> tail(static_cast<size_t>(padded * kDepth), 0.0f);
    std::vector<const float*> rows(static_cast<size_t>(padded));
#pragma omp for schedule(static)
    for (int64_t pass = 0; pass < passes; ++pass) {
      const int64_t first = pass * kDepth;
      const int64_t depth = std::min(kDepth, dims - first);
      const bool whole = depth % 8 == 0;
      for (int64_t r = 0; r < padded; ++r) {
        if (r < images && whole) {
          rows[r] = x + r * dims + first;
          continue;
        }
        float* copy = tail.data() + r * kDepth;
        std::fill(copy, copy + kDepth, 0.0f);
        if (r < images) std::copy(x + r * dims + first, x + r * dims + first + depth, copy);
        rows[r] = copy;
      }
      pass_products(rows.data(), images, padded, (depth + 7) / 8 * 8, sums.data());
    }
  }
  BatchGram gram;
  gram.images = images;
  gram.k.assign(static_cast<size_t>(images * images), 0.0);
  for (int64_t r = 0; r < images; ++r) {
    for (int64_t c = r + 1; c < images; ++c) {
      double value = 0.0;
      for (const auto& sums : partial) value += sums[r * images + c];
      gram.k[r * images + c] = value;
      gram.k[c * images + r] = value;
    }
  }
  gram.row_sums.assign(static_cast<size_t>(images), 0.0);
  for (int64_t r = 0; r < images; ++r) {
    for (int64_t c = 0; c < images; ++c) gram.row_sums[r] += gram.k[r * images + c];
    gram.total += gram.row_sums[r];
  }
  return gram;
}

double unbiased_hsic(const BatchGram& k, const BatchGram& l) {
  const int64_t n = k.images;
  double trace = 0.0;
  for (size_t i = 0; i < k.k.size(); ++i) trace += k.k[i] * l.k[i];
  double cross = 0.0;
  for (int64_t i = 0; i < n; ++i) cross += k.row_sums[i] * l.row_sums[i];
  const double nd = static_cast<double>(n);
  return (trace + k.total * l.total / ((nd - 1) * (nd - 2)) - 2.0 / (nd - 2) * cross) / (nd * (nd - 3));
}

}  // namespace actscope
