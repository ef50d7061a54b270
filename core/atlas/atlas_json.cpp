#include "core/atlas/atlas_json.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/base/gui_thread.h"
#include "core/base/json_text.h"

namespace actscope {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

json top_json(const std::vector<TopUnit>& top) {
  json units = json::array();
  for (const TopUnit& unit : top) {
    units.push_back({{"image", unit.image}, {"name", unit.name}, {"value", unit.value}, {"y", unit.y}, {"x", unit.x}});
  }
  return units;
}

json filter_json(const LayerStats& layer, int filter) {
  const FilterSums& sums = layer.filters[static_cast<size_t>(filter)];
  const FilterSummary summary = summarize(layer, filter);
  json entry = {{"filter", filter},
                {"dead_fraction", summary.dead_fraction},
                {"active_fraction", summary.active_fraction},
                {"mean", summary.mean},
                {"max", sums.max},
                {"histogram", sums.histogram},
                {"top", top_json(sums.top)},
                {"sums",
                 {{"dead_images", sums.dead_images},
                  {"active_sum", sums.active_sum},
                  {"mean_sum", sums.mean_sum},
                  {"saturated_positions", sums.saturated_positions},
                  {"class_sum", sums.class_sum}}}};
  if (layer.bounds) entry["saturated_fraction"] = summary.saturated_fraction;
  if (!summary.class_mean.empty()) {
    entry["class_mean"] = summary.class_mean;
    entry["preferred_class"] = summary.preferred_class;
    entry["selectivity"] = summary.selectivity;
  }
  return entry;
}

json layer_json(const LayerStats& layer) {
  const LayerFlags flags = flags_of(layer);
  json filters = json::array();
  for (int c = 0; c < static_cast<int>(layer.filters.size()); ++c) filters.push_back(filter_json(layer, c));
  json entry = {{"name", layer.name},
                {"shape", layer.shape},
                {"images", layer.images},
                {"class_images", layer.class_images},
                {"flags",
                 {{"dead", flags.dead},
                  {"rarely_active", flags.rarely_active},
                  {"always_on", flags.always_on},
                  {"saturated", flags.saturated}}},
                {"filters", filters}};
  entry["bounds"] = layer.bounds ? json{layer.bounds->first, layer.bounds->second} : json(nullptr);
  return entry;
}

LayerStats layer_from_json(const json& entry, int top_k) {
  const auto shape = entry.at("shape").get<std::vector<int64_t>>();
  if (shape.size() != 3) throw std::runtime_error("a layer's shape is not [C, H, W]");
  std::optional<std::pair<float, float>> bounds;
  if (!entry.at("bounds").is_null()) bounds = std::make_pair(entry["bounds"][0].get<float>(), entry["bounds"][1].get<float>());
  const auto class_images = entry.at("class_images").get<std::vector<int64_t>>();
  LayerStats layer(entry.at("name").get<std::string>(), static_cast<int>(shape[0]), static_cast<int>(shape[1]),
                   static_cast<int>(shape[2]), static_cast<int>(class_images.size()), top_k, bounds);
  layer.images = entry.at("images").get<int64_t>();
  layer.class_images = class_images;
  const json& filters = entry.at("filters");
  if (filters.size() != layer.filters.size()) throw std::runtime_error("layer " + layer.name + " has the wrong number of filters");
  for (size_t c = 0; c < filters.size(); ++c) {
    FilterSums& sums = layer.filters[c];
    const json& raw = filters[c].at("sums");
    sums.dead_images = raw.at("dead_images").get<int64_t>();
    sums.active_sum = raw.at("active_sum").get<double>();
    sums.mean_sum = raw.at("mean_sum").get<double>();
    sums.saturated_positions = raw.at("saturated_positions").get<int64_t>();
    sums.class_sum = raw.at("class_sum").get<std::vector<double>>();
    sums.max = filters[c].at("max").get<float>();
    sums.histogram = filters[c].at("histogram").get<std::vector<int64_t>>();
    if (sums.histogram.size() != histogram_edges().size() + 1 || sums.class_sum.size() != class_images.size()) {
      throw std::runtime_error("layer " + layer.name + " filter " + std::to_string(c) + " has malformed sums");
    }
    for (const json& unit : filters[c].at("top")) {
      sums.top.push_back({unit.at("image").get<int64_t>(), unit.at("name").get<std::string>(),
                          unit.at("value").get<float>(), unit.at("y").get<int>(), unit.at("x").get<int>()});
    }
  }
  return layer;
}

}  // namespace

std::string atlas_to_json(const Atlas& atlas) {
  json layers = json::array();
  for (const LayerStats& layer : atlas.layers) layers.push_back(layer_json(layer));
  json skipped = json::array();
  for (const SkippedImage& image : atlas.skipped)
    skipped.push_back({{"index", image.index}, {"name", image.name}, {"error", image.error}});
  const json document = {
      {"format", "actscope-atlas"},
      {"version", kFormatVersion},
      {"model", {{"name", atlas.model_name}, {"path", atlas.model_path}, {"sha256", atlas.model_sha256}}},
      {"dataset",
       {{"path", atlas.dataset_path},
        {"images", atlas.dataset_images},
        {"limit", atlas.limit},
        {"labels", atlas.labels},
        {"skipped", skipped}}},
      {"shard", {{"index", atlas.shard}, {"count", atlas.shards}}},
      {"top_k", atlas.top_k},
      {"histogram_edges", histogram_edges()},
      {"layers", layers}};
  return json_text(document, 1) + "\n";
}

Result<Atlas> atlas_from_json(const std::string& text, const std::string& path) {
  try {
    const json document = json::parse(text);
    if (document.value("format", "") != "actscope-atlas") return Error{path + ": not an actscope atlas (atlas.json)"};
    if (document.at("version").get<int>() != kFormatVersion) {
      return Error{path + ": atlas format version " + document["version"].dump() + " is not supported"};
    }
    Atlas atlas;
    atlas.model_name = document.at("model").at("name").get<std::string>();
    atlas.model_path = document["model"].at("path").get<std::string>();
    atlas.model_sha256 = document["model"].at("sha256").get<std::string>();
    atlas.dataset_path = document.at("dataset").at("path").get<std::string>();
    atlas.dataset_images = document["dataset"].at("images").get<int64_t>();
    atlas.limit = document["dataset"].at("limit").get<int64_t>();
    atlas.labels = document["dataset"].at("labels").get<std::vector<std::string>>();
    for (const json& image : document["dataset"].value("skipped", json::array())) {
      atlas.skipped.push_back({image.at("index").get<int64_t>(), image.at("name").get<std::string>(),
                               image.at("error").get<std::string>()});
    }
    atlas.shard = document.at("shard").at("index").get<int>();
    atlas.shards = document["shard"].at("count").get<int>();
    atlas.top_k = document.at("top_k").get<int>();
    for (const json& layer : document.at("layers")) atlas.layers.push_back(layer_from_json(layer, atlas.top_k));
    return atlas;
  } catch (const std::exception& e) {
    return Error{path + ": malformed atlas: " + e.what()};
  }
}

Result<Atlas> read_atlas(const std::string& path) {
  if (on_gui_thread()) return Error{path + ": not read: files are read on the engine worker, never on the GUI thread"};
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{path + ": cannot be read"};
  std::ostringstream text;
  text << file.rdbuf();
  return atlas_from_json(text.str(), path);
}

}  // namespace actscope
