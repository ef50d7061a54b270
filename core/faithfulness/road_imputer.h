// ROAD's noisy linear imputation (Rong et al. 2022, as pytorch-grad-cam's
// NoisyLinearImputer computes it): every removed pixel becomes the weighted
// mean of its 8 neighbours (1/6 the direct ones, 1/12 the diagonal ones;
// neighbours outside the image dropped and the weights of the rest kept),
// removed neighbours being unknowns too. That is one sparse symmetric
// positive definite system per image, solved by Eigen's sparse Cholesky
// (LDLT), the same channels at once; noise is added to the imputed values.
#pragma once

#include <cstdint>
#include <vector>

namespace actscope {

// `image` is [C, H, W]; keep[i] (H * W) is 1 for a pixel kept, 0 for one
// imputed. Writes the image with the removed pixels imputed to `out` ([C, H,
// W]); each imputed value gets noise * N(0, 1) from a generator seeded with
// `noise_seed`. With no pixel kept, the imputed values are 0 (plus noise).
void impute_road(const float* image, int64_t channels, int64_t height, int64_t width,
                 const std::vector<uint8_t>& keep, double noise, uint64_t noise_seed, float* out);

}  // namespace actscope
