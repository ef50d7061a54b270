// merge: the parts of a run split across a cluster (scan's atlas.json, cka's
// cka.json, faithfulness's faithfulness.json), combined into what one run writes. Each file says what it is
// ("format"); parts of different kinds are refused.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/atlas/atlas_json.h"
#include "core/faithfulness/faithfulness_json.h"
#include "core/similarity/cka_json.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

struct Part {
  std::string path;
  std::string text;
  std::string format;  // "actscope-atlas", "actscope-cka" or "actscope-faithfulness"
};

struct Kind {
  const char* format;
  const char* file;
  const char* name;
};
constexpr Kind kKinds[] = {{"actscope-atlas", "atlas.json", "filter atlas"},
                           {"actscope-cka", "cka.json", "CKA file"},
                           {"actscope-faithfulness", "faithfulness.json", "faithfulness file"}};

std::string kind_name(const std::string& format) {
  for (const Kind& kind : kKinds) {
    if (format == kind.format) return kind.name;
  }
  return format;
}

// A shard given as a folder holds one of atlas.json, cka.json or
// faithfulness.json; a file is read as it is.
Result<Part> read_part(const std::string& given) {
  Part part{given, "", ""};
  std::error_code error;
  if (fs::is_directory(given, error)) {
    std::vector<std::string> held;
    for (const Kind& kind : kKinds) {
      if (fs::exists(fs::path(given) / kind.file, error)) held.push_back(kind.file);
    }
    if (held.size() > 1) return Error{given + ": holds " + held[0] + " and " + held[1] + "; name the file to merge"};
    if (held.empty()) return Error{given + ": holds no atlas.json, cka.json or faithfulness.json"};
    part.path = (fs::path(given) / held.front()).string();
  }
  std::ifstream file(part.path, std::ios::binary);
  if (!file) return Error{part.path + ": cannot be read"};
  std::ostringstream text;
  text << file.rdbuf();
  part.text = text.str();
  const auto document = nlohmann::json::parse(part.text, nullptr, /*allow_exceptions=*/false);
  if (document.is_object()) part.format = document.value("format", "");
  for (const Kind& kind : kKinds) {
    if (part.format == kind.format) return part;
  }
  return Error{part.path + ": not an actscope atlas (atlas.json), CKA file (cka.json) or faithfulness file "
                           "(faithfulness.json)"};
}

int merge_faithfulness_parts(const std::vector<Part>& parts, const std::string& out) {
  std::vector<FaithfulnessRun> shards;
  std::vector<std::string> labels;
  for (const Part& part : parts) {
    auto run = faithfulness_from_json(part.text, part.path);
    if (!run) return fail(run.error());
    shards.push_back(std::move(run).value());
    // The classes' names as the shards wrote them.
    const auto document = nlohmann::json::parse(part.text);
    for (const auto& image : document["images"]) {
      const int index = image.value("class", -1);
      const std::string label = image.value("label", "");
      if (index < 0 || label.empty()) continue;
      if (labels.size() <= static_cast<size_t>(index)) labels.resize(static_cast<size_t>(index) + 1);
      labels[static_cast<size_t>(index)] = label;
    }
  }
  auto merged = merge_faithfulness(std::move(shards));
  if (!merged) return fail(merged.error());
  return write_faithfulness_files(merged.value(), labels, out);
}

int merge_atlas_parts(const std::vector<Part>& parts, const std::string& out) {
  std::vector<Atlas> shards;
  for (const Part& part : parts) {
    auto atlas = atlas_from_json(part.text, part.path);
    if (!atlas) return fail(atlas.error());
    shards.push_back(std::move(atlas).value());
  }
  auto merged = merge_atlases(shards);
  if (!merged) return fail(merged.error());
  return write_output_file(out, "atlas.json", atlas_to_json(merged.value()));
}

int merge_cka_parts(const std::vector<Part>& parts, const std::string& out) {
  std::vector<CkaRun> shards;
  for (const Part& part : parts) {
    auto run = cka_from_json(part.text, part.path);
    if (!run) return fail(run.error());
    shards.push_back(std::move(run).value());
  }
  auto merged = merge_cka(shards);
  if (!merged) return fail(merged.error());
  if (const int written = write_cka_files(merged.value(), out); written != 0) return written;
  return 0;
}

}  // namespace

int run_merge(const MergeOptions& options) {
  std::vector<Part> parts;
  for (const std::string& given : options.shards) {
    auto part = read_part(given);
    if (!part) return fail(part.error());
    if (!parts.empty() && part.value().format != parts.front().format) {
      return fail(part.value().path + ": a " + kind_name(part.value().format) + " cannot be merged with " +
                  parts.front().path + " (a " + kind_name(parts.front().format) + ")");
    }
    parts.push_back(std::move(part).value());
  }
  if (parts.front().format == "actscope-cka") return merge_cka_parts(parts, options.out);
  if (parts.front().format == "actscope-faithfulness") return merge_faithfulness_parts(parts, options.out);
  return merge_atlas_parts(parts, options.out);
}

}  // namespace actscope::cli
