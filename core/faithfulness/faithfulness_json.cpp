#include "core/faithfulness/faithfulness_json.h"

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"

namespace actscope {
namespace {

using json = nlohmann::json;
constexpr int kFormatVersion = 1;

json by_percentile(const std::vector<double>& values) {
  json out = json::object();
  for (size_t j = 0; j < values.size() && j < road_percentiles().size(); ++j)
    out[std::to_string(road_percentiles()[j])] = values[j];
  return out;
}

std::vector<double> from_percentiles(const json& values) {
  std::vector<double> out;
  for (int percentile : road_percentiles()) out.push_back(values.at(std::to_string(percentile)).get<double>());
  return out;
}

json method_entry(const MapFaithfulness& m) {
  json entry;
  for (size_t metric = 0; metric < faithfulness_metrics().size(); ++metric)
    entry[faithfulness_metrics()[metric]] = metric_value(m, metric);
  entry["deletion_curve"] = m.deletion_curve;
  entry["insertion_curve"] = m.insertion_curve;
  entry["road_morf_by_percentile"] = by_percentile(m.road_morf_by_percentile);
  entry["road_lerf_by_percentile"] = by_percentile(m.road_lerf_by_percentile);
  return entry;
}

MapFaithfulness method_from(const json& entry) {
  MapFaithfulness m;
  m.deletion_auc = entry.at("deletion_auc").get<double>();
  m.insertion_auc = entry.at("insertion_auc").get<double>();
  m.drop_in_confidence = entry.at("drop_in_confidence").get<double>();
  m.increase_in_confidence = entry.at("increase_in_confidence").get<double>();
  m.road_morf = entry.at("road_morf").get<double>();
  m.road_lerf = entry.at("road_lerf").get<double>();
  m.road_combined = entry.at("road_combined").get<double>();
  m.deletion_curve = entry.at("deletion_curve").get<std::vector<double>>();
  m.insertion_curve = entry.at("insertion_curve").get<std::vector<double>>();
  m.road_morf_by_percentile = from_percentiles(entry.at("road_morf_by_percentile"));
  m.road_lerf_by_percentile = from_percentiles(entry.at("road_lerf_by_percentile"));
  return m;
}

json summary_of(const FaithfulnessRun& run) {
  json summary = json::object();
  const auto summaries = summarize(run);
  for (size_t m = 0; m < run.methods.size(); ++m) {
    json method;
    for (size_t metric = 0; metric < faithfulness_metrics().size(); ++metric) {
      const MetricSummary& s = summaries[m].metrics[metric];
      method[faithfulness_metrics()[metric]] = {{"mean", s.mean}, {"std", s.std}, {"count", s.count}, {"sum", s.sum}};
    }
    method["mean_deletion_curve"] = summaries[m].mean_deletion_curve;
    method["mean_insertion_curve"] = summaries[m].mean_insertion_curve;
    summary[run.methods[m]] = method;
  }
  return summary;
}

std::string label_of(const std::vector<std::string>& labels, int index) {
  return index >= 0 && static_cast<size_t>(index) < labels.size() ? labels[static_cast<size_t>(index)] : "";
}

}  // namespace

std::string faithfulness_to_json(const FaithfulnessRun& run, const std::vector<std::string>& labels) {
  json images = json::array();
  for (const ImageFaithfulness& image : run.images) {
    json methods = json::object();
    for (size_t m = 0; m < run.methods.size(); ++m) methods[run.methods[m]] = method_entry(image.methods[m]);
    images.push_back({{"position", image.position},
                      {"index", image.index},
                      {"name", image.name},
                      {"stem", image.stem},
                      {"class", image.target_class},
                      {"label", label_of(labels, image.target_class)},
                      {"true_class", image.true_class},
                      {"methods", methods}});
  }
  const json document = {
      {"format", "actscope-faithfulness"},
      {"version", kFormatVersion},
      {"model", {{"path", run.model_path}, {"sha256", run.model_sha256}}},
      {"source", run.source},
      {"total", run.total},
      {"shard", {{"index", run.shard}, {"count", run.shards}}},
      {"settings",
       {{"methods", run.methods},
        {"layers", run.layers},
        {"class", run.target_class},
        {"score", to_string(run.options.score)},
        {"step", run.step},
        {"road_noise", run.options.road_noise},
        {"road_percentiles", road_percentiles()},
        {"seed", run.options.seed},
        {"batch", run.options.batch_size}}},
      {"curve_x", run.curve_x},
      {"images", images},
      {"summary", summary_of(run)},
      {"skipped", run.skipped},
      {"notes", run.notes}};
  return json_text(document, 1) + "\n";
}

Result<FaithfulnessRun> faithfulness_from_json(const std::string& text, const std::string& path) {
  try {
    const json document = json::parse(text);
    if (document.value("format", "") != "actscope-faithfulness")
      return Error{path + ": not an actscope faithfulness file (faithfulness.json)"};
    if (document.at("version").get<int>() != kFormatVersion)
      return Error{path + ": faithfulness format version " + document["version"].dump() + " is not supported"};
    FaithfulnessRun run;
    run.model_path = document.at("model").at("path").get<std::string>();
    run.model_sha256 = document["model"].at("sha256").get<std::string>();
    run.source = document.at("source").get<std::string>();
    run.total = document.at("total").get<int64_t>();
    run.shard = document.at("shard").at("index").get<int>();
    run.shards = document["shard"].at("count").get<int>();
    const json& settings = document.at("settings");
    run.methods = settings.at("methods").get<std::vector<std::string>>();
    run.layers = settings.at("layers").get<std::vector<std::string>>();
    run.target_class = settings.at("class").get<std::string>();
    auto score = parse_faithfulness_score(settings.at("score").get<std::string>());
    if (!score) return Error{path + ": " + score.error()};
    run.options.score = score.value();
    run.step = settings.at("step").get<int>();
    run.options.step = run.step;
    run.options.road_noise = settings.at("road_noise").get<double>();
    run.options.seed = settings.at("seed").get<uint64_t>();
    run.options.batch_size = settings.at("batch").get<int>();
    run.curve_x = document.at("curve_x").get<std::vector<double>>();
    for (const json& entry : document.at("images")) {
      ImageFaithfulness image;
      image.position = entry.at("position").get<int64_t>();
      image.index = entry.at("index").get<int64_t>();
      image.name = entry.at("name").get<std::string>();
      image.stem = entry.value("stem", "");
      image.target_class = entry.at("class").get<int>();
      image.true_class = entry.at("true_class").get<int>();
      for (const std::string& method : run.methods) image.methods.push_back(method_from(entry.at("methods").at(method)));
      run.images.push_back(std::move(image));
    }
    run.skipped = document.at("skipped").get<std::vector<std::string>>();
    run.notes = document.at("notes").get<std::vector<std::string>>();
    if (run.shards < 1 || run.shard < 0 || run.shard >= run.shards)
      return Error{path + ": malformed faithfulness file: shard " + std::to_string(run.shard) + " of " +
                   std::to_string(run.shards)};
    return run;
  } catch (const std::exception& e) {
    return Error{path + ": malformed faithfulness file: " + e.what()};
  }
}

}  // namespace actscope
