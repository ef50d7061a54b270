#include "core/export/manifest.h"

#include <charconv>
#include <cmath>
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

namespace {

// A number as nlohmann's dump() writes a double: digits that read back to
// the same value, in plain notation from 1e-3 to 1e15 (".0" on whole
// numbers), null when not finite. Outside that range (rare here) nlohmann
// writes it itself.
void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  const double magnitude = std::fabs(value);
  if (magnitude != 0.0 && (magnitude < 1e-3 || magnitude >= 1e15)) {
    out += nlohmann::json(value).dump();
    return;
  }
  char buffer[48];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  const std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  out += text;
  if (text.find('.') == std::string_view::npos) out += ".0";
}

}  // namespace

std::string filter_entries_text(const NormalizedMaps& maps) {
  std::string out = "[";
  for (const auto& stats : maps.stats) {
    if (out.size() > 1) out += ',';
    // The keys in nlohmann's (sorted) order.
    out += "{\"index\":" + std::to_string(stats.index) + ",\"max\":";
    append_number(out, stats.max);
    out += ",\"mean\":";
    append_number(out, stats.mean);
    out += ",\"min\":";
    append_number(out, stats.min);
    if (stats.non_finite > 0) out += ",\"non_finite\":" + std::to_string(stats.non_finite);
    out += ",\"zero_fraction\":";
    append_number(out, stats.zero_fraction);
    out += '}';
  }
  return out + "]";
}

}  // namespace actscope
