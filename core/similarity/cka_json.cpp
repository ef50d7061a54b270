#include "core/similarity/cka_json.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"

namespace actscope {
namespace {

using json = nlohmann::json;
constexpr int kFormatVersion = 1;

json rows_of(const std::vector<double>& values, size_t columns, bool nan_as_null) {
  json rows = json::array();
  for (size_t start = 0; start < values.size(); start += columns) {
    json row = json::array();
    for (size_t j = start; j < start + columns; ++j) {
      if (nan_as_null && !std::isfinite(values[j])) {
        row.push_back(nullptr);
      } else {
        row.push_back(values[j]);
      }
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<double> flat_rows(const json& rows, size_t count, size_t columns) {
  std::vector<double> values;
  if (rows.size() != count) throw std::runtime_error("\"hsic\" has the wrong number of rows");
  for (const json& row : rows) {
    if (row.size() != columns) throw std::runtime_error("\"hsic\" has a row of the wrong length");
    for (const json& value : row) values.push_back(value.get<double>());
  }
  return values;
}

}  // namespace

std::string cka_to_json(const CkaRun& run) {
  json skipped = json::array();
  for (const SkippedImage& image : run.skipped)
    skipped.push_back({{"index", image.index}, {"name", image.name}, {"error", image.error}});
  const json document = {
      {"format", "actscope-cka"},
      {"version", kFormatVersion},
      {"model_a", {{"path", run.model_a}, {"sha256", run.sha256_a}, {"input", run.input_a}}},
      {"model_b", {{"path", run.model_b}, {"sha256", run.sha256_b}, {"input", run.input_b}}},
      {"dataset", {{"path", run.dataset_path}, {"images", run.dataset_images}, {"limit", run.limit}, {"skipped", skipped}}},
      {"shard", {{"index", run.shard}, {"count", run.shards}}},
      {"batch", run.batch_size},
      {"batches", run.batches},
      {"images", run.images},
      {"dropped", run.dropped},
      {"layers_a", run.layers_a},
      {"layers_b", run.layers_b},
      {"cka", rows_of(run.cka(), run.layers_b.size(), true)},
      {"hsic",
       {{"a_b", rows_of(run.sums.cross, run.layers_b.size(), false)},
        {"a_a", run.sums.self_a},
        {"b_b", run.sums.self_b}}}};
  return json_text(document, 1) + "\n";
}

Result<CkaRun> cka_from_json(const std::string& text, const std::string& path) {
  try {
    const json document = json::parse(text);
    if (document.value("format", "") != "actscope-cka") return Error{path + ": not an actscope CKA file (cka.json)"};
    if (document.at("version").get<int>() != kFormatVersion) {
      return Error{path + ": CKA format version " + document["version"].dump() + " is not supported"};
    }
    CkaRun run;
    run.model_a = document.at("model_a").at("path").get<std::string>();
    run.sha256_a = document["model_a"].at("sha256").get<std::string>();
    run.model_b = document.at("model_b").at("path").get<std::string>();
    run.sha256_b = document["model_b"].at("sha256").get<std::string>();
    run.input_a = document["model_a"].at("input").get<std::string>();
    run.input_b = document["model_b"].at("input").get<std::string>();
    const json& dataset = document.at("dataset");
    run.dataset_path = dataset.at("path").get<std::string>();
    run.dataset_images = dataset.at("images").get<int64_t>();
    run.limit = dataset.at("limit").get<int64_t>();
    for (const json& image : dataset.value("skipped", json::array())) {
      run.skipped.push_back({image.at("index").get<int64_t>(), image.at("name").get<std::string>(),
                             image.at("error").get<std::string>()});
    }
    run.shard = document.at("shard").at("index").get<int>();
    run.shards = document["shard"].at("count").get<int>();
    run.batch_size = document.at("batch").get<int>();
    run.batches = document.at("batches").get<int64_t>();
    run.images = document.at("images").get<int64_t>();
    run.dropped = document.at("dropped").get<int64_t>();
    run.layers_a = document.at("layers_a").get<std::vector<std::string>>();
    run.layers_b = document.at("layers_b").get<std::vector<std::string>>();
    const json& hsic = document.at("hsic");
    run.sums.cross = flat_rows(hsic.at("a_b"), run.layers_a.size(), run.layers_b.size());
    run.sums.self_a = hsic.at("a_a").get<std::vector<double>>();
    run.sums.self_b = hsic.at("b_b").get<std::vector<double>>();
    if (run.sums.self_a.size() != run.layers_a.size() || run.sums.self_b.size() != run.layers_b.size()) {
      return Error{path + ": malformed CKA file: \"hsic\" does not match the layers"};
    }
    if (run.shards < 1 || run.shard < 0 || run.shard >= run.shards) {
      return Error{path + ": malformed CKA file: shard " + std::to_string(run.shard) + " of " + std::to_string(run.shards)};
    }
    return run;
  } catch (const std::exception& e) {
    return Error{path + ": malformed CKA file: " + e.what()};
  }
}

}  // namespace actscope
