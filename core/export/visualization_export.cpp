// visualization_export: the images, their inputs, the grid and the manifest.
#include "core/export/visualization_export.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"
#include "core/export/layer_export.h"
#include "core/export/manifest.h"
#include "core/io/atomic_file.h"
#include "core/io/npy_writer.h"
#include "core/visualize/transform_draws.h"

namespace actscope {
namespace {

namespace fs = std::filesystem;

std::string image_stem(const FilterVisualization& image) {
  return image.filter < 0 ? "layer" : std::to_string(image.filter);
}

nlohmann::json parameters(const VisualizeOptions& options, const FilterVisualization& first, int threads) {
  const auto& shape = first.input.shape();  // [C, H, W]
  const TransformSizes sizes = transform_sizes(static_cast<int>(shape[1]), static_cast<int>(shape[2]));
  nlohmann::json entry = {
      {"layer", options.layer},
      {"objective", objective_name(options.objective)},
      {"negative", options.negative},
      {"steps", options.steps},
      {"size", {shape[1], shape[2]}},
      {"seed", options.seed},
      {"learning_rate", options.learning_rate},
      {"optimizer", "adam (betas 0.9, 0.999; eps 1e-8)"},
      {"batch", options.batch},
      {"threads", threads},
      {"parametrization", "fourier spectrum scaled by 1/frequency (lucent fft_image, sd 0.01)" +
                              std::string(shape[0] == 3 ? ", decorrelated colour" : "") + ", sigmoid"},
      {"transforms",
       {{"pad", sizes.pad}, {"jitter", sizes.jitter}, {"scale", {0.9, 1.1}}, {"degrees", {-10, 10}},
        {"late_jitter", sizes.late_jitter}, {"fill", 0.5}}}};
  if (first.unit) entry["unit"] = {first.unit->first, first.unit->second};  // given, or the centre
  return entry;
}

// Writes `bytes` to `path` and remembers it in `written`.
Status write_one(const std::string& path, const std::string& bytes, std::vector<std::string>& written) {
  if (bytes.empty()) return Error{path + ": could not be encoded"};
  if (auto done = write_file_atomically(path, bytes); !done) return done;
  written.push_back(path);
  return Done{};
}

}  // namespace

Grid visualization_grid(const VisualizeOptions& options, const std::vector<FilterVisualization>& images,
                        int min_tile) {
  std::vector<RgbImage> tiles;
  std::vector<int> filters;
  for (const auto& image : images) {
    tiles.push_back(image.image);
    filters.push_back(image.filter);
  }
  GridOptions grid;
  grid.min_tile = min_tile;
  bool in_order = true;
  for (size_t i = 1; i < filters.size(); ++i) in_order = in_order && filters[i] == filters[i - 1] + 1;
  const std::string tiles_line =
      filters.empty() || filters.front() < 0
          ? "the layer's mean"
          : in_order ? "filters " + std::to_string(filters.front()) + ".." + std::to_string(filters.back()) +
                           ", row by row"
                     : "filters in the order given, row by row";
  grid.caption = {options.layer + ": what each filter responds to " + (options.negative ? "least" : "most"),
                  std::string("objective ") + objective_name(options.objective) + ", " + std::to_string(options.steps) +
                      " steps, seed " + std::to_string(options.seed),
                  tiles_line + " (images: no colour scale)"};
  return compose_tile_grid(tiles, filters, grid);
}

Status write_visualizations(const Model& model, const VisualizeOptions& options,
                            const std::vector<FilterVisualization>& images, bool npy, int threads,
                            const std::string& dir) {
  if (images.empty()) return Error{"no images to write"};
  const std::string stem = file_stem_for_layer(options.layer);
  const fs::path folder = fs::path(dir) / stem;
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return Error{folder.string() + ": cannot make the folder: " + error.message()};
  std::vector<std::string> written;
  auto undo = [&written](Status status) {
    for (const auto& path : written) fs::remove(path);
    return status;
  };
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& image : images) {
    const std::string png = (folder / (image_stem(image) + ".png")).string();
    if (auto done = write_one(png, encode_png(image.image), written); !done) return undo(done);
    nlohmann::json entry = {{"layer", options.layer}, {"objective", image.objective}, {"png", png}};
    entry["filter"] = image.filter < 0 ? nlohmann::json(nullptr) : nlohmann::json(image.filter);
    if (npy) {
      const std::string path = (folder / (image_stem(image) + ".npy")).string();
      if (auto done = write_one(path, encode_npy(image.input.data(), image.input.shape()), written); !done) {
        return undo(done);
      }
      entry["npy"] = path;
    }
    entries.push_back(entry);
  }
  const std::string grid_path = (fs::path(dir) / (stem + ".png")).string();
  if (auto done = write_one(grid_path, encode_png(visualization_grid(options, images).image), written); !done) {
    return undo(done);
  }
  const nlohmann::json manifest = {{"tool", tool_entry()},
                                   {"model", model_entry(model)},
                                   {"parameters", parameters(options, images.front(), threads)},
                                   {"grid", grid_path},
                                   {"filters", entries}};
  if (auto done = write_one((fs::path(dir) / "manifest.json").string(), json_text(manifest, 2), written); !done) {
    return undo(done);
  }
  return Done{};
}

}  // namespace actscope
