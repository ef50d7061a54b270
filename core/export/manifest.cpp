#include "core/export/manifest.h"

#include <filesystem>

#include "core/base/version.h"
#include "core/io/sha256.h"

namespace actscope {

using nlohmann::json;

json tool_entry() { return {{"name", "actscope"}, {"version", version()}}; }

json file_entry(const std::string& path) {
  auto digest = sha256_of_file(path);
  return {{"path", std::filesystem::absolute(path).string()}, {"sha256", digest ? digest.value() : ""}};
}

json filter_entries(const NormalizedMaps& maps) {
  json filters = json::array();
  for (const auto& stats : maps.stats) {
    json entry = {{"index", stats.index},
                  {"min", stats.min},
                  {"max", stats.max},
                  {"mean", stats.mean},
                  {"zero_fraction", stats.zero_fraction}};
    if (stats.non_finite > 0) entry["non_finite"] = stats.non_finite;
    filters.push_back(entry);
  }
  return filters;
}

}  // namespace actscope
