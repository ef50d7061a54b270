#include "core/export/embedding_export.h"

#include <cstdio>
#include <filesystem>

#include "core/base/json_text.h"
#include "core/data/predictions_csv.h"
#include "core/embed/embedding_plot.h"
#include "core/export/manifest.h"
#include "core/io/atomic_file.h"
#include "core/io/png_writer.h"

namespace actscope {
namespace {

namespace fs = std::filesystem;

std::string label_of(const std::vector<std::string>& labels, int index) {
  if (index < 0 || index >= static_cast<int>(labels.size())) return "";
  return labels[static_cast<size_t>(index)];
}

std::string number(double value, const char* format) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// The class names of the legend: the labels, else "class 0", "class 1"... up to the largest class seen.
std::vector<std::string> legend_names(const Features& features, const std::vector<std::string>& labels) {
  if (!labels.empty()) return labels;
  int largest = -1;
  for (int c : features.true_classes) largest = std::max(largest, c);
  for (int c : features.predicted) largest = std::max(largest, c);
  std::vector<std::string> names;
  for (int c = 0; c <= largest; ++c) names.push_back("class " + std::to_string(c));
  return names;
}

nlohmann::json parameters(const EmbeddingRun& run) {
  nlohmann::json json = {{"method", run.method}, {"rows", run.features.rows}, {"dims", run.features.dims}};
  if (run.method == "pca") {
    json["explained_variance_ratio"] = run.explained;
    return json;
  }
  json["perplexity"] = run.tsne.perplexity;
  json["neighbours"] = std::min<int64_t>(run.features.rows - 1, std::lround(3.0 * run.tsne.perplexity));
  json["iterations"] = run.tsne.iterations;
  json["exaggeration"] = run.tsne.exaggeration;
  json["exaggeration_iterations"] = run.tsne.exaggeration_iterations;
  json["learning_rate"] = run.learning_rate;
  json["theta"] = run.tsne.theta;
  json["init"] = run.tsne.init;
  json["seed"] = run.tsne.seed;
  json["kl_divergence"] = run.kl_divergence;
  return json;
}

}  // namespace

std::string embedding_csv(const EmbeddingRun& run) {
  const Features& f = run.features;
  std::string csv = "index,image,true_class,true_label,predicted_class,predicted_label,confidence,correct,x,y\n";
  for (size_t row = 0; row < static_cast<size_t>(f.rows); ++row) {
    const int truth = row < f.true_classes.size() ? f.true_classes[row] : -1;
    const int predicted = row < f.predicted.size() ? f.predicted[row] : -1;
    csv += std::to_string(row < f.indices.size() ? f.indices[row] : static_cast<int64_t>(row)) + ",";
    csv += (row < f.names.size() ? csv_field(f.names[row]) : "") + ",";
    csv += (truth >= 0 ? std::to_string(truth) : "") + "," + csv_field(label_of(run.labels, truth)) + ",";
    if (predicted >= 0) {
      csv += std::to_string(predicted) + "," + csv_field(label_of(run.labels, predicted)) + "," +
             number(f.confidence[row], "%.6f") + ",";
      csv += truth >= 0 ? (truth == predicted ? "1," : "0,") : ",";
    } else {
      csv += ",,,,";
    }
    csv += number(run.layout[2 * row], "%.6g") + "," + number(run.layout[2 * row + 1], "%.6g") + "\n";
  }
  return csv;
}

ScatterPlot embedding_plot(const Features& features, const std::vector<float>& layout,
                           const std::vector<std::string>& labels, const std::string& title) {
  ScatterPlot plot;
  plot.layout = layout;
  plot.classes = legend_names(features, labels);
  plot.title = title;
  for (int64_t row = 0; row < features.rows; ++row) {
    const auto i = static_cast<size_t>(row);
    const int truth = i < features.true_classes.size() ? features.true_classes[i] : -1;
    const int predicted = i < features.predicted.size() ? features.predicted[i] : -1;
    plot.colour_class.push_back(truth >= 0 ? truth : predicted);
    plot.marked.push_back(features.misclassified(row));
  }
  return plot;
}

std::string embedding_title(const EmbeddingRun& run) {
  std::string what = !run.features.layer.empty() ? "layer " + run.features.layer
                     : run.subject.empty()         ? std::string("features")
                                                   : run.subject;
  std::string how = run.method == "pca" ? "PCA" : "t-SNE, perplexity " + number(run.tsne.perplexity, "%g");
  return what + " - " + how + " - N = " + std::to_string(run.features.rows);
}

Status write_embedding(const EmbeddingRun& run, const std::string& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Error{dir + ": cannot make the folder: " + error.message()};
  const std::string csv_path = (fs::path(dir) / "embedding.csv").string();
  if (auto written = write_file_atomically(csv_path, embedding_csv(run)); !written) return written;
  const RgbImage picture =
      draw_scatter_plot(embedding_plot(run.features, run.layout, run.labels, embedding_title(run)));
  const std::string png_path = (fs::path(dir) / "embedding.png").string();
  const std::string png = encode_rgb_png(picture.pixels.data(), picture.width, picture.height);
  if (png.empty()) return Error{png_path + ": the picture could not be encoded"};
  if (auto written = write_file_atomically(png_path, png); !written) return written;
  nlohmann::json manifest = {{"tool", tool_entry()}, {"source", run.source}, {"layer", run.features.layer},
                             {"parameters", parameters(run)}, {"skipped", run.features.skipped}};
  if (run.method == "tsne") manifest["kl_divergence"] = run.kl_divergence;
  manifest["files"] = {{"csv", file_entry(csv_path)}, {"png", file_entry(png_path)}};
  return write_file_atomically((fs::path(dir) / "manifest.json").string(), json_text(manifest, 2));
}

}  // namespace actscope
