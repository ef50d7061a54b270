#include "core/export/comparison_export.h"

#include <filesystem>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"
#include "core/base/version.h"
#include "core/export/manifest.h"
#include "core/io/atomic_file.h"

namespace actscope {

using nlohmann::json;

namespace {

// ranking.json: every filter by |mean_a - mean_b|, largest first.
json ranking_json(const ComparisonRecord& record) {
  json filters = json::array();
  for (const auto& filter : record.comparison.ranking) {
    filters.push_back({{"filter", filter.filter},
                       {"mean_a", filter.mean_a},
                       {"mean_b", filter.mean_b},
                       {"difference", filter.difference}});
  }
  return {{"layer", record.layer},
          {"image_a", record.image_paths[0]},
          {"image_b", record.image_paths[1]},
          {"order", "by |mean_a - mean_b|, largest first"},
          {"filters", filters}};
}

// One image of the manifest: its file, prediction, true class when known,
// and the layer of its Grad-CAMs.
json image_json(const ModelCard& card, const std::string& path, const ImageExplanation& image) {
  json entry = {{"path", absolute_path(path)},
                {"predicted_class", image.predicted.class_index},
                {"predicted_label", card.label(image.predicted.class_index)},
                {"confidence", image.predicted.probability},
                {"cam_layer", image.cam_layer}};
  if (image.true_class >= 0) {
    entry["true_class"] = image.true_class;
    entry["true_label"] = card.label(image.true_class);
  }
  return entry;
}

json manifest_json(const ModelCard& card, const ComparisonRecord& record, const json& files_sha256) {
  json images = json::array();
  for (int i = 0; i < 2; ++i) images.push_back(image_json(card, record.image_paths[i], record.images[i]));
  return {{"actscope", version()},
          {"model", absolute_path(record.model_path)},
          {"layer", record.layer},
          {"images", images},
          {"normalization", "per filter, one range shared by A and B"},
          {"difference_scale", record.comparison.difference_scale},
          {"files_sha256", files_sha256}};
}

}  // namespace

Result<std::string> write_comparison(const std::string& out_dir, const ModelCard& card,
                                     const ComparisonRecord& record, int top_filters) {
  std::error_code ec;
  if (!std::filesystem::is_directory(out_dir, ec)) return Error{out_dir + ": no such folder"};
  const ComparisonFigures figures = compose_comparison(card, record.layer, record.images[0], record.images[1],
                                                       record.comparison, top_filters);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"a.png", encode_png(figures.a.image)},
      {"b.png", encode_png(figures.b.image)},
      {"difference.png", encode_png(figures.difference.image)},
      {"sheet.png", encode_png(figures.sheet)},
      {"ranking.json", json_text(ranking_json(record), 2) + "\n"}};
  json files_sha256 = json::object();
  for (const auto& [name, bytes] : files) {
    const std::string path = (std::filesystem::path(out_dir) / name).string();
    if (auto written = write_file_atomically(path, bytes); !written) return Error{written.error()};
    files_sha256[name] = file_sha256(path);
  }
  const std::string manifest_path = (std::filesystem::path(out_dir) / "manifest.json").string();
  if (auto written =
          write_file_atomically(manifest_path, json_text(manifest_json(card, record, files_sha256), 2) + "\n");
      !written) {
    return Error{written.error()};
  }
  return manifest_path;
}

}  // namespace actscope
