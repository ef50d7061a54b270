// What a picture's colours mean: a colour scale (colormap and the values at
// its two ends) drawn as a horizontal bar with numbers, for the exported PNGs
// and for anything else that needs the bar as pixels. The desktop program
// draws the same scale with its own widget (ui/widgets/color_bar.h), from the
// same ticks and number format. Torch-free; any thread.
#pragma once

#include <string>
#include <vector>

#include "core/base/rgb_image.h"
#include "core/maps/grid.h"

namespace actscope {

struct ColorScale {
  Colormap colormap = Colormap::kViridis;
  double low = 0.0;   // the value drawn with the colormap's first colour
  double high = 1.0;  // the value drawn with its last colour
  std::string title;  // what the numbers are, e.g. "layer values" or "each filter: min..max"
};

// A number as a scale shows it: three significant digits, an exponent for
// very large or very small magnitudes ("0.341", "-12.5", "8.6e-12"), "0" for 0.
std::string format_scale_value(double value);

// The values a bar labels: `low` and `high` themselves, and between them up
// to `inner` round values (steps of 1, 2 or 5 times a power of ten) that are
// not too close to either end. Ascending. low == high gives one value.
std::vector<double> scale_ticks(double low, double high, int inner = 3);

// The bar alone: `width` pixels wide (at least 160), the gradient with tick
// marks, the numbers under it and the title at its left above it.
RgbImage render_colorbar(const ColorScale& scale, int width);

// The rows render_colorbar's bar takes.
constexpr int kColorbarHeight = 56;

// `picture` with its colour bar underneath, as wide as the picture (at least
// 240 pixels; a narrower picture is centred on the dark background). A
// picture 240 or more wide gets the bar appended to its own pixels: nothing
// is copied when they have room (capacity) for kColorbarHeight more rows.
RgbImage with_colorbar(RgbImage picture, const ColorScale& scale);

// A picture as a figure to save: enlarged by a whole factor (nearest
// neighbour: every pixel stays a visible square) until its shorter side is at
// least `min_short_side`, the caption lines above it and its colour bar below.
RgbImage make_figure(const RgbImage& picture, const std::vector<std::string>& caption, const ColorScale& scale,
                     int min_short_side = 224);

}  // namespace actscope
