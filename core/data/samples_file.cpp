#include "core/data/samples_file.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace actscope {

std::map<std::string, int> read_samples_file(const std::filesystem::path& folder) {
  std::map<std::string, int> classes;
  std::ifstream in(folder / "samples.json");
  if (!in) return classes;
  const auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("samples") || !json["samples"].is_array()) return classes;
  for (const auto& sample : json["samples"]) {
    if (sample.is_object() && sample.contains("file") && sample["file"].is_string() &&
        sample.contains("true_class") && sample["true_class"].is_number_integer()) {
      classes[sample["file"].get<std::string>()] = sample["true_class"].get<int>();
    }
  }
  return classes;
}

}  // namespace actscope
