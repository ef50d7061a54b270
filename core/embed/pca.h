// Principal component analysis of feature rows, exact: the eigenvectors of
// the centred features' covariance (or of their Gram matrix when there are
// more dimensions than rows), computed in double precision with LibTorch.
#pragma once

#include <cstdint>
#include <vector>

#include "core/base/result.h"

namespace actscope {

struct Projection {
  int64_t rows = 0;
  int components = 0;
  std::vector<float> coordinates;       // rows x components, row-major
  std::vector<double> explained_ratio;  // each component's share of the total variance
};

// The first `components` principal coordinates of `values` (rows x dims,
// row-major): the centred rows projected on the principal axes, largest
// variance first. Each axis's sign is chosen so that its largest coordinate
// in absolute value is positive. Requires rows >= 2, dims >= 1. Any thread.
Result<Projection> principal_components(const float* values, int64_t rows, int64_t dims, int components = 2);

// The projection as a 2-D layout (rows x 2, x and y interleaved); the
// second coordinate 0 when there is one component.
std::vector<float> planar_layout(const Projection& projection);

}  // namespace actscope
