#include "core/export/crops_export.h"

#include <filesystem>
#include <map>

#include "core/atlas/crops.h"
#include "core/export/layer_export.h"
#include "core/io/atomic_file.h"
#include "core/maps/grid.h"
#include "core/model/receptive_fields.h"

namespace actscope {

Result<int> write_atlas_crops(const Model& model, const Dataset& dataset, const Atlas& atlas, const std::string& dir,
                              const std::function<bool(size_t done, size_t total)>& progress) {
  namespace fs = std::filesystem;
  const std::vector<ReceptiveField> fields = receptive_fields(model);
  std::map<std::string, ReceptiveField> field_of;
  for (size_t i = 0; i < fields.size() && i < model.layers().size(); ++i) field_of[model.layers()[i].name] = fields[i];
  std::map<int64_t, RgbImage> images;  // read once, whatever how many filters they top
  int written = 0;
  for (size_t l = 0; l < atlas.layers.size(); ++l) {
    const LayerStats& layer = atlas.layers[l];
    const auto found = field_of.find(layer.name);
    if (found == field_of.end()) return Error{"layer '" + layer.name + "' of the atlas is not in " + model.path()};
    const fs::path folder = fs::path(dir) / "crops" / file_stem_for_layer(layer.name);
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return Error{folder.string() + ": cannot make the folder (" + ec.message() + ")"};
    for (size_t f = 0; f < layer.filters.size(); ++f) {
      std::vector<RgbImage> crops;
      for (const TopUnit& top : layer.filters[f].top) {
        auto image = images.find(top.image);
        if (image == images.end()) {
          auto input = dataset.input(static_cast<size_t>(top.image), model.card());
          if (!input) return Error{input.error()};
          image = images.emplace(top.image, std::move(input.value().display)).first;
        }
        crops.push_back(field_crop(image->second, found->second, top.y, top.x));
      }
      if (crops.empty()) continue;
      const std::string path = (folder / (std::to_string(f) + ".png")).string();
      if (auto done = write_file_atomically(path, encode_png(crops_tile(crops))); !done) return Error{done.error()};
      ++written;
    }
    if (progress && !progress(l + 1, atlas.layers.size())) return Error{"cancelled"};
  }
  return written;
}

}  // namespace actscope
