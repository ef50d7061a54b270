#include "core/similarity/timeline_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"

namespace actscope {
namespace {

using json = nlohmann::json;

json number_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

}  // namespace

std::string timeline_to_json(const Timeline& timeline) {
  json checkpoints = json::array();
  for (const TimelineCheckpoint& checkpoint : timeline.checkpoints) {
    json layers = json::array();
    for (const TimelineLayer& layer : checkpoint.layers) {
      layers.push_back({{"name", layer.name},
                        {"dead_filter_fraction", number_or_null(layer.dead_fraction)},
                        {"rarely_active_filter_fraction", number_or_null(layer.rarely_active_fraction)},
                        {"cka_to_final", number_or_null(layer.cka_to_final)}});
    }
    checkpoints.push_back({{"path", checkpoint.path},
                           {"sha256", checkpoint.sha256},
                           {"accuracy", number_or_null(checkpoint.accuracy)},
                           {"layers", layers}});
  }
  json skipped = json::array();
  for (const SkippedImage& image : timeline.skipped)
    skipped.push_back({{"index", image.index}, {"name", image.name}, {"error", image.error}});
  const json document = {{"format", "actscope-timeline"},
                         {"version", 1},
                         {"dataset", {{"path", timeline.dataset_path},
                                      {"images", timeline.dataset_images},
                                      {"limit", timeline.limit},
                                      {"skipped", skipped}}},
                         {"batch", timeline.batch_size},
                         {"images", timeline.images},
                         {"dropped", timeline.dropped},
                         {"checkpoints", checkpoints}};
  return json_text(document, 1) + "\n";
}

}  // namespace actscope
