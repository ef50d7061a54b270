#include "core/export/manifest.h"

#include <filesystem>

#include "core/base/version.h"
#include "core/io/sha256.h"

namespace actscope {

using nlohmann::json;

json tool_entry() { return {{"name", "actscope"}, {"version", version()}}; }

std::string absolute_path(const std::string& path) { return std::filesystem::absolute(path).string(); }

std::string file_sha256(const std::string& path) {
  auto digest = sha256_of_file(path);
  return digest ? digest.value() : "";
}

json file_entry(const std::string& path) {
  return {{"path", absolute_path(path)}, {"sha256", file_sha256(path)}};
}

json model_entry(const Model& model) {
  return {{"path", absolute_path(model.path())}, {"sha256", model.sha256()}};
}

json image_entry(const InputImage& image, const std::string& path) {
  if (image.dataset.empty()) return file_entry(path);
  const std::string pixels(image.display.pixels.begin(), image.display.pixels.end());
  return {{"dataset", absolute_path(image.dataset)},
          {"index", image.dataset_index},
          {"name", image.name},
          {"width", image.display.width},
          {"height", image.display.height},
          {"pixels_sha256", sha256_hex(pixels)}};
}

json filter_entries(const NormalizedMaps& maps) {
  json entries = json::array();
  for (const auto& stats : maps.stats) {
    json entry = {{"index", stats.index},
                  {"min", stats.min},
                  {"max", stats.max},
                  {"mean", stats.mean},
                  {"zero_fraction", stats.zero_fraction}};
    if (stats.non_finite > 0) entry["non_finite"] = stats.non_finite;
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace actscope
