// An embedding drawn for people: a scatter plot of the 2-D layout, each
// point coloured by its class, misclassified images drawn as crosses, a
// legend of class names and colours, a title; no axis ticks (t-SNE has no
// units). The palette is shared with the desktop program's Embedding view.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/rgb_image.h"

namespace actscope {

// The colour of class `index` among `count` classes: Tableau's 10 (20 above
// 10 classes), then evenly spaced hues. Gray for an unknown class (-1).
std::array<uint8_t, 3> class_colour(int index, int count);

struct ScatterPlot {
  std::vector<float> layout;         // x, y interleaved
  std::vector<int> colour_class;     // per point: the class whose colour it gets (-1 unknown)
  std::vector<bool> marked;          // per point: misclassified (a cross); may be empty
  std::vector<std::string> classes;  // legend names, class i the i-th
  std::string title;
  int width = 1100;
  int height = 800;
};

// The box around a layout's finite points (x, y interleaved); `empty` when
// there is none. The plot and the desktop program's view both fit it.
struct LayoutBounds {
  double left = 0, top = 0, right = 1, bottom = 1;
  bool empty = true;
};
LayoutBounds layout_bounds(const std::vector<float>& layout);

// The picture. Points outside a finite layout are left out. Any thread.
RgbImage draw_scatter_plot(const ScatterPlot& plot);

}  // namespace actscope
