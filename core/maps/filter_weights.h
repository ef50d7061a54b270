// Conv filter weights as pictures: each filter [in, kh, kw] normalized to
// [0,1] on its own; filters of a 3-input-channel layer drawn in color (input
// channel c as R, G, B), others as the mean over their input channels.
#pragma once

#include <string>

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

// What lies under point (x, y) of a weight grid's picture: the tile's filter
// (or, expanded, input channel), the kernel row and column, and the value in
// words: "filter 5  row 1, column 2 = 0.0312" for a filter over one input,
// "... mean of 32 inputs = ...", "... R 0.1  G -0.2  B 0.05" over three;
// filter -1 and no text on no tile. `weights` and `expand_filter` are what
// `grid` was drawn from.
struct WeightAt {
  int filter = -1;  // the tile's filter, or its input channel when expanded
  int row = -1;
  int column = -1;
  std::string text;
};
WeightAt weight_at(const FloatArray& weights, const Grid& grid, int expand_filter, int x, int y);

}  // namespace actscope
