#include "ui/controllers/embedding_job.h"

#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"
#include "core/embed/pca.h"
#include "core/io/atomic_file.h"
#include "core/io/file_bytes.h"
#include "core/io/npy_reader.h"
#include "core/io/npy_writer.h"

namespace actscope {
namespace {

constexpr int kIterationsPerSlice = 10;
constexpr uint64_t kMostMetaBytes = uint64_t{1} << 30;

QString method_title(const EmbeddingJob& job, const QString& method) {
  return QStringLiteral("layer %1 - %2 - N = %3")
      .arg(QString::fromStdString(job.features->layer), method)
      .arg(job.features->rows);
}

std::optional<Result<EmbeddingOutcome>> start(EmbeddingJob& job) {
  if (QFileInfo::exists(job.cache + QStringLiteral("/embedding.json"))) {
    if (auto cached = read_embedding_cache(job.cache)) {
      return Result<EmbeddingOutcome>(EmbeddingOutcome{std::move(cached).value(), true});
    }
  }
  auto dataset = open_dataset(job.dataset_path, job.model->card());
  if (!dataset) return Result<EmbeddingOutcome>(Error{dataset.error()});
  job.dataset = std::make_shared<Dataset>(std::move(dataset).value());
  FeatureOptions options;
  options.layer = job.settings.layer.toStdString();
  options.limit = job.settings.limit;
  auto collection = FeatureCollection::start(*job.model, *job.dataset, options);
  if (!collection) return Result<EmbeddingOutcome>(Error{collection.error()});
  job.collection.emplace(std::move(collection).value());
  return std::nullopt;
}

// PCA's layout, shown at once; for a PCA run the end.
std::optional<Result<EmbeddingOutcome>> project(EmbeddingJob& job) {
  const Features& f = *job.features;
  auto pca = principal_components(f.values.data(), f.rows, f.dims, 2);
  if (!pca) return Result<EmbeddingOutcome>(Error{pca.error()});
  std::vector<float> layout = planar_layout(pca.value());
  const int components = pca.value().components;
  const bool final = job.settings.method == QStringLiteral("pca");
  const QString title = method_title(job, QStringLiteral("PCA (%1% and %2% of the variance)")
                                              .arg(100 * pca.value().explained_ratio[0], 0, 'f', 1)
                                              .arg(components > 1 ? 100 * pca.value().explained_ratio[1] : 0.0, 0, 'f', 1));
  if (!final) {
    job.frame(std::move(layout), title + QStringLiteral(" - t-SNE starting"), false);
    return std::nullopt;
  }
  Embedded embedded{job.features, job.dataset_path, std::move(layout), title, 0.0};
  return Result<EmbeddingOutcome>(EmbeddingOutcome{std::move(embedded), false});
}

std::optional<Result<EmbeddingOutcome>> iterate(EmbeddingJob& job) {
  TsneRun& tsne = *job.tsne;
  const bool more = tsne.step(kIterationsPerSlice);
  const QString method = QStringLiteral("t-SNE, perplexity %1").arg(tsne.perplexity());
  if (more) {
    job.progress(QStringLiteral("t-SNE iteration"), static_cast<size_t>(tsne.iteration()),
                 static_cast<size_t>(tsne.iterations()));
    job.frame(tsne.layout(), method_title(job, method) +
                                 QStringLiteral(" - iteration %1 of %2").arg(tsne.iteration()).arg(tsne.iterations()),
              false);
    return std::nullopt;
  }
  const double kl = tsne.kl_divergence();
  Embedded embedded{job.features, job.dataset_path, tsne.layout(),
                    method_title(job, method) + QStringLiteral(" - KL %1").arg(kl, 0, 'f', 3), kl};
  return Result<EmbeddingOutcome>(EmbeddingOutcome{std::move(embedded), false});
}

std::optional<Result<EmbeddingOutcome>> next(EmbeddingJob& job) {
  if (!job.collection) return start(job);
  if (!job.features) {
    auto more = job.collection->step();
    if (!more) return Result<EmbeddingOutcome>(Error{more.error()});
    job.progress(QStringLiteral("Reading image"), job.collection->done(), job.collection->total());
    if (more.value()) return std::nullopt;
    job.features = std::make_shared<Features>(job.collection->take());
    if (job.features->rows < 4) return Result<EmbeddingOutcome>(Error{job.dataset_path + ": fewer than 4 images could be read"});
    return project(job);
  }
  if (!job.tsne) {
    TsneOptions options;
    options.perplexity = job.settings.perplexity;
    const Features& f = *job.features;
    auto run = TsneRun::start(f.values.data(), f.rows, f.dims, options, [&job](size_t done, size_t total) {
      job.progress(QStringLiteral("Finding neighbours of image"), done, total);
      return !*job.cancel;
    });
    if (!run) return Result<EmbeddingOutcome>(Error{run.error()});
    job.tsne.emplace(std::move(run).value());
    return std::nullopt;
  }
  return iterate(job);
}

}  // namespace

std::optional<Result<EmbeddingOutcome>> embedding_slice(EmbeddingJob& job) {
  if (*job.cancel) return Result<EmbeddingOutcome>(Error{"cancelled"});
  auto outcome = next(job);
  if (outcome && *outcome && !outcome->value().cached) {
    write_embedding_cache(job.cache, outcome->value().embedded);  // a cache: failing to keep it is harmless
  }
  return outcome;
}

Status write_embedding_cache(const QString& folder, const Embedded& embedded) {
  if (!QDir().mkpath(folder)) return Error{folder.toStdString() + ": cannot make the folder"};
  const Features& f = *embedded.features;
  const std::string base = folder.toStdString();
  if (auto written = write_npy(base + "/features.npy", f.values.data(), {f.rows, f.dims}); !written) return written;
  if (auto written = write_npy(base + "/layout.npy", embedded.layout.data(), {f.rows, 2}); !written) return written;
  const nlohmann::json meta = {{"layer", f.layer},           {"indices", f.indices},
                               {"names", f.names},           {"true_classes", f.true_classes},
                               {"predicted", f.predicted},   {"confidence", f.confidence},
                               {"skipped", f.skipped},       {"title", embedded.title.toStdString()},
                               {"kl_divergence", embedded.kl_divergence}, {"dataset", embedded.dataset_path}};
  return write_file_atomically(base + "/embedding.json", json_text(meta));
}

Result<Embedded> read_embedding_cache(const QString& folder) {
  const std::string base = folder.toStdString();
  auto text = read_file_bytes(base + "/embedding.json", kMostMetaBytes);
  if (!text) return Error{text.error()};
  const auto meta = nlohmann::json::parse(text.value(), nullptr, false);
  if (meta.is_discarded()) return Error{base + "/embedding.json: not JSON"};
  auto features = std::make_shared<Features>();
  int64_t layout_rows = 0, two = 0;
  auto values = read_npy_matrix(base + "/features.npy", features->rows, features->dims);
  auto layout = read_npy_matrix(base + "/layout.npy", layout_rows, two);
  if (!values || !layout) return Error{values ? layout.error() : values.error()};
  try {
    features->values = std::move(values).value();
    features->layer = meta.at("layer").get<std::string>();
    features->indices = meta.at("indices").get<std::vector<int64_t>>();
    features->names = meta.at("names").get<std::vector<std::string>>();
    features->true_classes = meta.at("true_classes").get<std::vector<int>>();
    features->predicted = meta.at("predicted").get<std::vector<int>>();
    features->confidence = meta.at("confidence").get<std::vector<float>>();
    features->skipped = meta.at("skipped").get<std::vector<std::string>>();
    const auto rows = static_cast<size_t>(features->rows);
    if (layout_rows != features->rows || two != 2 || features->indices.size() != rows || features->names.size() != rows ||
        features->true_classes.size() != rows || features->predicted.size() != rows || features->confidence.size() != rows) {
      return Error{base + ": the cached embedding's parts disagree"};
    }
    return Embedded{features, meta.at("dataset").get<std::string>(), std::move(layout).value(),
                    QString::fromStdString(meta.at("title").get<std::string>()), meta.at("kl_divergence").get<double>()};
  } catch (const nlohmann::json::exception& error) {
    return Error{base + "/embedding.json: " + error.what()};
  }
}

}  // namespace actscope
