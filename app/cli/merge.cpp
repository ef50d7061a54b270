// merge: the parts of a run split across a cluster (scan's atlas.json, cka's
// cka.json), combined into what one run writes. Each file says what it is
// ("format"); parts of different kinds are refused.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/atlas/atlas_json.h"
#include "core/similarity/cka_json.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

struct Part {
  std::string path;
  std::string text;
  std::string format;  // "actscope-atlas" or "actscope-cka"
};

// A shard given as a folder holds atlas.json or cka.json; a file is read as it is.
Result<Part> read_part(const std::string& given) {
  Part part{given, "", ""};
  std::error_code error;
  if (fs::is_directory(given, error)) {
    const bool atlas = fs::exists(fs::path(given) / "atlas.json", error);
    const bool cka = fs::exists(fs::path(given) / "cka.json", error);
    if (atlas && cka) return Error{given + ": holds both atlas.json and cka.json; name the file to merge"};
    if (!atlas && !cka) return Error{given + ": holds neither atlas.json nor cka.json"};
    part.path = (fs::path(given) / (atlas ? "atlas.json" : "cka.json")).string();
  }
  std::ifstream file(part.path, std::ios::binary);
  if (!file) return Error{part.path + ": cannot be read"};
  std::ostringstream text;
  text << file.rdbuf();
  part.text = text.str();
  const auto document = nlohmann::json::parse(part.text, nullptr, /*allow_exceptions=*/false);
  if (document.is_object()) part.format = document.value("format", "");
  if (part.format != "actscope-atlas" && part.format != "actscope-cka") {
    return Error{part.path + ": not an actscope atlas (atlas.json) or CKA file (cka.json)"};
  }
  return part;
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
      return fail(part.value().path + ": a " + (part.value().format == "actscope-cka" ? "CKA file" : "filter atlas") +
                  " cannot be merged with " + parts.front().path + " (a " +
                  (parts.front().format == "actscope-cka" ? "CKA file" : "filter atlas") + ")");
    }
    parts.push_back(std::move(part).value());
  }
  if (parts.front().format == "actscope-cka") return merge_cka_parts(parts, options.out);
  return merge_atlas_parts(parts, options.out);
}

}  // namespace actscope::cli
