// Lays a layer's normalized maps out as one picture: tiles in a near-square
// grid with a small gap, colored by a colormap, under a caption strip.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/base/rgb_image.h"
#include "core/maps/normalization.h"

namespace actscope {

enum class Colormap { kGray, kViridis, kInferno, kMagma, kJet, kTurbo, kCoolwarm };

// "gray", "viridis", "inferno", "magma", "jet", "turbo", "coolwarm" (diverging:
// blue below the middle, white at it, red above; the default for kSigned).
std::string to_string(Colormap colormap);
Result<Colormap> parse_colormap(const std::string& name);

// The layers with more filters than this show only their most active ones
// unless the caller asks for all.
constexpr int kDefaultFilterLimit = 256;

struct GridOptions {
  Colormap colormap = Colormap::kViridis;
  bool sort_by_mean = false;  // most active (highest raw mean) first
  // How many filters to show, the most active ones: 0 means all, except for
  // layers over kDefaultFilterLimit filters, which show that many (and say so).
  int top_k = 0;
  // The tiles' filters in this order (others' indices are skipped) instead
  // of sort_by_mean and top_k; empty: those decide.
  std::vector<int> order;
  int min_tile = 48;  // small maps are enlarged (nearest neighbour) to at least this
  int gap = 2;
  std::vector<std::string> caption;  // lines of the caption strip
};

struct Grid {
  RgbImage image;
  std::vector<int> filters;  // the filter index shown in each tile, in tile order
  int columns = 0;
  int rows = 0;
  int tile_width = 0;
  int tile_height = 0;
  int caption_height = 0;  // tiles start below the caption strip
  int gap = 2;             // pixels between tiles and around them
  std::vector<std::string> caption;  // the caption strip's lines (with limit_note)
  std::string limit_note;  // set when the default limit hid filters
};

// Composes the grid of `maps` (see normalize_maps). Any thread.
Grid compose_grid(const NormalizedMaps& maps, const GridOptions& options);

// Lays out ready-made tiles (all the same size) the same way; `filters`
// names the filter of each tile. Small tiles are enlarged to options.min_tile.
Grid compose_tile_grid(const std::vector<RgbImage>& tiles, std::vector<int> filters,
                       const GridOptions& options);

// The colormap's colour (R, G, B) for level 0..255: the colours the grids use.
std::array<uint8_t, 3> colormap_rgb(Colormap colormap, uint8_t level);

// One map as an RGB tile of its own size, through `colormap`.
RgbImage colorize(const float* map, int height, int width, Colormap colormap);

// Pictures one below the other, left-aligned on the dark background.
RgbImage stack_vertically(const std::vector<RgbImage>& pictures, int gap = 6);

// PNG bytes of an image (for write_file_atomically), through
// encode_rgb_png (core/io/png_writer.h); "" for an empty image.
std::string encode_png(const RgbImage& image);

}  // namespace actscope
