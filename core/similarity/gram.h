// The similarity room: how alike two layers' representations are over a
// dataset. CKA (Kornblith et al. 2019) in the minibatch form of Nguyen,
// Raghu and Kornblith 2021: per batch of images the linear Gram matrix of
// each layer's outputs, the unbiased HSIC of every pair of layers, summed
// over batches (cka.h); the same over a model's training checkpoints
// (timeline.h). Here: one batch's Gram matrix and the estimator. Torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace actscope {

// One layer's linear Gram matrix over one batch of images, as the unbiased
// estimator reads it: K with its diagonal set to 0 (K~), its row sums and
// its total.
struct BatchGram {
  int64_t images = 0;
  std::vector<double> k;         // images x images, symmetric, zero diagonal
  std::vector<double> row_sums;  // K~ 1
  double total = 0.0;            // 1^T K~ 1
};

// The Gram matrix X X^T of `images` rows of `dims` floats each (row-major,
// one image's output flattened per row). Products are taken in float and
// summed in float over runs of 1,024 values (eight lanes of 128), the runs
// summed in double; the result depends on the thread count only through
// that order. Spreads over the engine's threads (OpenMP); any thread may
// call it.
BatchGram batch_gram(const float* x, int64_t images, int64_t dims);

// The unbiased HSIC_1 of two Gram matrices of the same images (Song et al.
// 2012; Nguyen et al. 2021, eq. 3):
//   [tr(K~L~) + (1'K~1)(1'L~1) / ((n-1)(n-2)) - 2/(n-2) 1'K~L~1] / (n(n-3)).
// Requires k.images == l.images >= 4.
double unbiased_hsic(const BatchGram& k, const BatchGram& l);

}  // namespace actscope
