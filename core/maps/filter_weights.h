// Conv filter weights as pictures: each filter [in, kh, kw] normalized to
// [0,1] on its own; filters of a 3-input-channel layer drawn in color (input
// channel c as R, G, B), others as the mean over their input channels.
#pragma once

#include "core/base/float_array.h"
#include "core/base/result.h"
#include "core/maps/grid.h"

namespace actscope {

struct WeightGridOptions {
  GridOptions grid;        // colormap (for gray filters), gap, caption, ...
  int expand_filter = -1;  // >= 0: show this filter's input-channel kernels instead
};

// The grid of a conv layer's weights, [out, in, kh, kw]. Errors for other
// shapes or a filter index out of range.
Result<Grid> compose_weight_grid(const FloatArray& weights, const WeightGridOptions& options);

}  // namespace actscope
