#include "core/similarity/gram.h"

#include <omp.h>

#include <algorithm>

namespace actscope {
namespace {

// Values per pass: the pass's columns, held transposed (kDepth x padded
// rows), stay in L2 while every pair of rows takes its products.
constexpr int64_t kDepth = 256;
// A micro-tile of products kept in registers over the pass.
constexpr int64_t kMicroRows = 4;
constexpr int64_t kMicroColumns = 16;

int64_t padded_rows(int64_t images) { return (images + kMicroColumns - 1) / kMicroColumns * kMicroColumns; }

// Copies columns [first, first + depth) of x transposed: depth lines of
// `padded` floats, zero past the last image.
void transpose_pass(const float* x, int64_t images, int64_t dims, int64_t first, int64_t depth, int64_t padded,
                    float* lines) {
  std::fill(lines, lines + depth * padded, 0.0f);
  for (int64_t row = 0; row < images; ++row) {
    const float* from = x + row * dims + first;
    for (int64_t d = 0; d < depth; ++d) lines[d * padded + row] = from[d];
  }
}

// products[r][c] = the pass's sum over d of lines[d][r] * lines[d][c], for
// the micro-tiles on and above the diagonal (r, c < padded). Compiled for
// AVX2 with FMA and for the baseline; the CPU picks at load time.
__attribute__((target_clones("arch=haswell", "default"))) void pass_products(const float* lines, int64_t padded,
                                                                            int64_t depth, float* products) {
  for (int64_t r0 = 0; r0 < padded; r0 += kMicroRows) {
    for (int64_t c0 = r0 / kMicroColumns * kMicroColumns; c0 < padded; c0 += kMicroColumns) {
      float acc[kMicroRows][kMicroColumns] = {};
      const float* line = lines;
      for (int64_t d = 0; d < depth; ++d, line += padded) {
        for (int64_t r = 0; r < kMicroRows; ++r) {
          const float value = line[r0 + r];
          for (int64_t c = 0; c < kMicroColumns; ++c) acc[r][c] += value * line[c0 + c];
        }
      }
      for (int64_t r = 0; r < kMicroRows; ++r) std::copy_n(acc[r], kMicroColumns, products + (r0 + r) * padded + c0);
    }
  }
}

}  // namespace

BatchGram batch_gram(const float* x, int64_t images, int64_t dims) {
  const int64_t padded = padded_rows(images);
  const int64_t passes = (dims + kDepth - 1) / kDepth;
  const int threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(omp_get_max_threads(), passes)));
  // One double accumulator per thread, added in thread order at the end.
  std::vector<std::vector<double>> partial(static_cast<size_t>(threads),
                                           std::vector<double>(static_cast<size_t>(padded * padded), 0.0));
#pragma omp parallel num_threads(threads)
  {
    const int me = omp_get_thread_num();
    std::vector<float> lines(static_cast<size_t>(kDepth * padded));
    std::vector<float> products(static_cast<size_t>(padded * padded));
    std::vector<double>& sum = partial[static_cast<size_t>(me)];
#pragma omp for schedule(static)
    for (int64_t pass = 0; pass < passes; ++pass) {
      const int64_t first = pass * kDepth;
      const int64_t depth = std::min(kDepth, dims - first);
      transpose_pass(x, images, dims, first, depth, padded, lines.data());
      pass_products(lines.data(), padded, depth, products.data());
      for (int64_t r = 0; r < padded; ++r) {
        for (int64_t c = r / kMicroColumns * kMicroColumns; c < padded; ++c) sum[r * padded + c] += products[r * padded + c];
      }
    }
  }
  BatchGram gram;
  gram.images = images;
  gram.k.assign(static_cast<size_t>(images * images), 0.0);
  for (int64_t r = 0; r < images; ++r) {
    for (int64_t c = r + 1; c < images; ++c) {
      double value = 0.0;
      for (const auto& sum : partial) value += sum[r * padded + c];
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
