// embed: where a dataset's images sit in a layer's feature space, laid out
// in 2-D by t-SNE or PCA (core/embed), written by core/export/embedding_export.
#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "core/data/dataset.h"
#include "core/embed/features.h"
#include "core/embed/pca.h"
#include "core/embed/tsne.h"
#include "core/export/embedding_export.h"
#include "core/export/manifest.h"
#include "core/io/npy_reader.h"

namespace actscope::cli {
namespace {

// Flags that need the other input, or a missing input: a usage error.
std::string misuse(const EmbedCliOptions& options) {
  const bool from_model = !options.model.empty() || !options.dataset.empty();
  if (from_model && !options.features.empty()) return "give --model and --dataset, or --features, not both";
  if (!from_model && options.features.empty()) return "give --model and --dataset, or --features";
  if (from_model && (options.model.empty() || options.dataset.empty())) return "--model and --dataset go together";
  if (!options.classes.empty() && options.features.empty()) return "--classes goes with --features";
  if (!options.features.empty() && (!options.layer.empty() || options.flatten)) {
    return "--layer and --flatten choose a model's layer; features from a file are embedded as they are";
  }
  return "";
}

// Features from a model's layer over a dataset.
Result<EmbeddingRun> model_features(const EmbedCliOptions& options) {
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!model) return Error{model.error()};
  auto dataset = open_dataset(options.dataset, model.value()->card());
  if (!dataset) return Error{dataset.error()};
  const ModelCard card = card_naming_classes(model.value()->card(), dataset.value());
  FeatureOptions features;
  features.layer = options.layer;
  features.flatten = options.flatten;
  features.limit = options.limit;
  features.batch_size = options.batch;
  ProgressLine progress(options.quiet, "reading image");
  features.progress = progress.callback();
  auto collected = collect_features(*model.value(), dataset.value(), features);
  progress.finish();
  if (!collected) return Error{collected.error()};
  EmbeddingRun run;
  run.features = std::move(collected).value();
  run.labels = card.labels;
  run.source = {{"model", model_entry(*model.value())}, {"dataset", absolute_path(options.dataset)}};
  for (const std::string& skipped : run.features.skipped) std::cerr << "skipped: " << skipped << "\n";
  return run;
}

// Features (and classes) from .npy files.
Result<EmbeddingRun> file_features(const EmbedCliOptions& options) {
  EmbeddingRun run;
  Features& f = run.features;
  auto values = read_npy_matrix(options.features, f.rows, f.dims);
  if (!values) return Error{values.error()};
  f.values = std::move(values).value();
  if (options.limit > 0 && options.limit < f.rows) {
    f.rows = options.limit;
    f.values.resize(static_cast<size_t>(f.rows * f.dims));
  }
  f.true_classes.assign(static_cast<size_t>(f.rows), -1);
  run.source = {{"features", file_entry(options.features)}};
  run.subject = std::filesystem::path(options.features).filename().string();
  if (!options.classes.empty()) {
    auto classes = read_npy_classes(options.classes);
    if (!classes) return Error{classes.error()};
    if (static_cast<int64_t>(classes.value().size()) < f.rows) {
      return Error{options.classes + ": " + std::to_string(classes.value().size()) + " classes for " +
                   std::to_string(f.rows) + " rows of " + options.features};
    }
    f.true_classes.assign(classes.value().begin(), classes.value().begin() + f.rows);
    run.source["classes"] = file_entry(options.classes);
  }
  for (int64_t row = 0; row < f.rows; ++row) f.indices.push_back(row);
  if (!options.common.card.labels_file.empty()) {
    auto labels = read_labels_file(options.common.card.labels_file);
    if (!labels) return Error{labels.error()};
    run.labels = std::move(labels).value();
  }
  return run;
}

Status lay_out(const EmbedCliOptions& options, EmbeddingRun& run) {
  const Features& f = run.features;
  run.method = options.method;
  if (options.method == "pca") {
    auto pca = principal_components(f.values.data(), f.rows, f.dims, 2);
    if (!pca) return Error{pca.error()};
    run.explained = pca.value().explained_ratio;
    run.layout = planar_layout(pca.value());
    return Done{};
  }
  run.tsne.perplexity = options.perplexity;
  run.tsne.iterations = options.iterations;
  run.tsne.exaggeration_iterations = std::min(250, options.iterations);
  run.tsne.seed = options.seed;
  run.tsne.init = options.init;
  ProgressLine progress(options.quiet, "t-SNE iteration");
  auto tsne = run_tsne(f.values.data(), f.rows, f.dims, run.tsne, progress.callback());
  progress.finish();
  if (!tsne) return Error{tsne.error()};
  run.layout = std::move(tsne.value().layout);
  run.kl_divergence = tsne.value().kl_divergence;
  run.tsne.perplexity = tsne.value().perplexity;
  run.learning_rate = tsne.value().learning_rate;
  if (!options.quiet) std::cerr << "KL divergence " << run.kl_divergence << "\n";
  return Done{};
}

}  // namespace

int run_embed(const EmbedCliOptions& options) {
  if (const std::string wrong = misuse(options); !wrong.empty()) return usage_error(wrong);
  if (options.common.threads > 0) set_thread_count(options.common.threads);
  auto run = options.features.empty() ? model_features(options) : file_features(options);
  if (!run) return fail(run.error());
  if (auto laid = lay_out(options, run.value()); !laid) return fail(laid.error());
  if (auto written = write_embedding(run.value(), options.out); !written) return fail(written.error());
  std::cerr << "wrote " << options.out << "/embedding.csv, embedding.png, manifest.json\n";
  return 0;
}

}  // namespace actscope::cli
