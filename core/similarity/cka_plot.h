// A CKA comparison drawn for people (cka.png): the heatmap of model A's
// layers (rows) against model B's (columns), both axes named layer by
// layer, the value in each cell when the cells are large enough, and the
// colour bar 0..1 under it. Cells of a constant layer (no CKA) are gray.
#pragma once

#include <string>
#include <vector>

#include "core/base/rgb_image.h"

namespace actscope {

struct CkaHeatmap {
  std::vector<std::string> rows;     // model A's layers
  std::vector<std::string> columns;  // model B's layers
  std::vector<double> values;        // rows x columns, row-major; NaN: no value
  std::string title;                 // first line above the map
  std::string subtitle;              // second line (images, batches)
  std::string row_axis;              // what the rows are ("A: fashion_cnn.pt")
  std::string column_axis;
};

// The picture. Any thread.
RgbImage draw_cka_heatmap(const CkaHeatmap& heatmap);

}  // namespace actscope
