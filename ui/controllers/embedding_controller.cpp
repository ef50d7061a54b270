#include "ui/controllers/embedding_controller.h"

#include <filesystem>

#include <QAction>
#include <QFileDialog>
#include <QImage>
#include <QPointer>
#include <QStandardPaths>

#include "core/data/loaded_images.h"
#include "core/export/embedding_export.h"
#include "core/io/atomic_file.h"
#include "core/io/png_writer.h"
#include "core/io/sha256.h"
#include "core/model/layer_query.h"
#include "ui/controllers/embedding_job.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"
#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

const QString kLane = QStringLiteral("embed");

// The version of the cached files: another layout of them is another key.
constexpr const char* kCacheVersion = "embedding-2";

}  // namespace

QString embedding_cache_path(const std::string& model_sha256, const ModelCard& card, const std::string& dataset,
                             const EmbeddingSettings& settings) {
  const std::string key =
      sha256_hex(std::string(kCacheVersion) + "\n" + std::filesystem::absolute(dataset).lexically_normal().string() +
                 "\n" + settings.layer.toStdString() + "\n" + settings.method.toStdString() + "\n" +
                 std::to_string(settings.perplexity) + "\n" + std::to_string(settings.limit) + "\n" +
                 model_card_to_json(card));
  return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/embedding/") +
         QString::fromStdString(model_sha256.substr(0, 16) + "-" + key.substr(0, 16));
}

EmbeddingController::EmbeddingController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window), pane_(new EmbeddingPane) {
  pool_.setMaxThreadCount(1);
  embed_ = new QAction(tr("&Embed Dataset..."), this);
  embed_->setToolTip(tr("Where a dataset's images sit in a layer's features (t-SNE or PCA)"));
  connect(embed_, &QAction::triggered, this, [this] {
    Q_EMIT pageRequested(pane_);
    if (pane_->dataset().isEmpty()) choose_dataset();
  });
  connect(pane_, &EmbeddingPane::runRequested, this, [this] { run(pane_->dataset(), pane_->settings()); });
  connect(pane_, &EmbeddingPane::cancelRequested, this, [this] { cancel_->store(true); });
  connect(pane_, &EmbeddingPane::chooseDatasetRequested, this, &EmbeddingController::choose_dataset);
  connect(pane_, &EmbeddingPane::exportRequested, this, &EmbeddingController::export_dialog);
  connect(pane_, &EmbeddingPane::pointHovered, this, &EmbeddingController::hover);
  connect(pane_, &EmbeddingPane::imageRequested, this, &EmbeddingController::open_image);
  connect(pane_, &EmbeddingPane::compareRequested, this, &EmbeddingController::compare_with_nearest);
  connect(&workspace_, &Workspace::modelChanged, this, [this] {
    cancel_->store(true);  // frames and results of the old model's run are dropped
    cancel_ = std::make_shared<std::atomic<bool>>(true);
    embedded_.reset();
    pane_->show_images(nullptr, {});
    pane_->show_layout({}, tr("Choose a dataset and run: each point is an image, placed by the layer's features."), true);
    refresh_layers();
  });
}

EmbeddingController::~EmbeddingController() {
  cancel_->store(true);
  pool_.waitForDone();
}

void EmbeddingController::refresh_layers() {
  if (!workspace_.model()) return;
  QStringList layers;
  for (const LayerInfo& layer : workspace_.model()->layers()) {
    if (is_drawable(layer)) layers << QString::fromStdString(layer.name);
  }
  pane_->set_layers(layers, QString::fromStdString(penultimate_layer(*workspace_.model())));
}

void EmbeddingController::set_dataset(const QString& path) { pane_->set_dataset(path); }

void EmbeddingController::run(const QString& dataset, const EmbeddingSettings& settings) {
  if (!workspace_.model()) {
    Q_EMIT errorRaised(tr("No model"), tr("Open a model first."));
    return;
  }
  if (dataset.isEmpty()) {
    choose_dataset();
    return;
  }
  cancel_->store(true);  // a run still going stops; this one gets a fresh flag
  cancel_ = worker_.token(kLane);  // also cancelled when the window closes or another model opens
  pane_->set_dataset(dataset);
  pane_->show_running(tr("Opening %1...").arg(dataset));
  Q_EMIT pageRequested(pane_);
  auto job = std::make_shared<EmbeddingJob>();
  job->model = workspace_.shared_model();
  job->dataset_path = dataset.toStdString();
  job->settings = settings;
  job->cache = embedding_cache_path(job->model->sha256(), job->model->card(), job->dataset_path, settings);
  job->cancel = cancel_;
  QPointer<EmbeddingController> self(this);
  job->progress = [self, cancel = cancel_](const QString& what, size_t done, size_t total) {
    EngineWorker::post(self, [self, cancel, what, done, total] {
      if (cancel == self->cancel_ && !*cancel) self->pane_->show_progress(what, done, total);
    });
  };
  job->frame = [self, cancel = cancel_, job_features = std::weak_ptr<EmbeddingJob>(job), path = job->dataset_path](
                   std::vector<float> layout, const QString& title, bool final) {
    auto shared = job_features.lock();
    auto features = shared ? std::shared_ptr<const Features>(shared->features) : nullptr;
    EngineWorker::post(self, [self, cancel, features, path, layout = std::move(layout), title, final]() mutable {
      if (cancel != self->cancel_ || *cancel) return;
      if (features && (!self->embedded_ || self->embedded_->features != features)) {
        self->embedded_ = std::make_shared<Embedded>();
        self->embedded_->features = features;
        self->embedded_->dataset_path = path;  // points can be opened while t-SNE still runs
        self->pane_->show_images(features, self->workspace_.model()->card().labels);
      }
      if (self->embedded_) self->embedded_->layout = layout;
      self->show_frame(std::move(layout), title, final);
    });
  };
  worker_.submit_slices(
      kLane, this, [job] { return embedding_slice(*job); },
      [this, cancel = cancel_](Result<EmbeddingOutcome> outcome) {
        if (cancel != cancel_) return;  // a newer run replaced this one
        if (!outcome) {
          finish(Error{*cancel ? std::string("cancelled") : outcome.error()}, false);
          return;
        }
        finish(std::move(outcome.value().embedded), outcome.value().cached);
      });
}

void EmbeddingController::show_frame(std::vector<float> layout, const QString& title, bool final) {
  pane_->show_layout(std::move(layout), title, final);
  Q_EMIT layoutShown(final);
}

void EmbeddingController::finish(Result<Embedded> embedded, bool cached) {
  if (!embedded) {
    const QString error = QString::fromStdString(embedded.error());
    pane_->show_message(error == QStringLiteral("cancelled") ? tr("Cancelled.") : error);
    if (error != QStringLiteral("cancelled")) Q_EMIT errorRaised(tr("No embedding"), error);
    Q_EMIT embeddingShown(error, false);
    return;
  }
  embedded_ = std::make_shared<Embedded>(std::move(embedded).value());
  const Features& f = *embedded_->features;
  pane_->show_images(embedded_->features, workspace_.model()->card().labels);
  show_frame(embedded_->layout, embedded_->title + (cached ? tr(" (from the cache)") : QString()), true);
  Q_EMIT statusChanged(tr("Embedding of %1 images ready%2").arg(f.rows).arg(cached ? tr(" (cached)") : QString()));
  Q_EMIT embeddingShown(QString(), cached);
}

// The hovered point's thumbnail, read on the thumbnail thread (the dataset
// opened there when the embedding came from the cache).
void EmbeddingController::hover(int row) {
  if (row < 0 || !embedded_ || !embedded_->features || !workspace_.model()) return;
  const auto& indices = embedded_->features->indices;
  if (row >= static_cast<int>(indices.size())) return;
  pool_.start([self = QPointer<EmbeddingController>(this), holder = thumbnails_, path = embedded_->dataset_path,
               card = workspace_.model()->card(), index = indices[static_cast<size_t>(row)], row,
               text = pane_->describe(row)] {
    if (holder->path != path || !holder->dataset) {
      auto opened = open_dataset(path, card);
      if (!opened) return;
      holder->dataset = std::make_shared<const Dataset>(std::move(opened).value());
      holder->path = path;
    }
    auto input = holder->dataset->input(static_cast<size_t>(index), card);
    const QImage picture = input ? to_qimage(input.value().display) : QImage();
    EngineWorker::post(self, [self, row, picture, text] { self->pane_->show_hover(row, picture, text); });
  });
}

void EmbeddingController::open_image(int row, bool browse) {
  if (!embedded_ || !embedded_->features || !workspace_.model()) return;
  const auto& indices = embedded_->features->indices;
  if (row < 0 || row >= static_cast<int>(indices.size())) return;
  worker_.submit(
      QStringLiteral("embedding image"), this,
      [model = workspace_.shared_model(), path = embedded_->dataset_path, index = indices[static_cast<size_t>(row)]]()
          -> Result<std::vector<LoadedImage>> {
        auto dataset = open_dataset(path, model->card());
        if (!dataset) return Error{dataset.error()};
        return load_dataset_images(*model, dataset.value(), {static_cast<size_t>(index)});
      },
      [this, row, browse](Result<std::vector<LoadedImage>> images) {
        if (!images) {
          Q_EMIT errorRaised(tr("Cannot open the image"), QString::fromStdString(images.error()));
          return;
        }
        const int index = workspace_.add_image(images.value().front());
        workspace_.set_current_image(index);
        Q_EMIT statusChanged(tr("%1 opened: its activations and Grad-CAM are in the Browse view (Ctrl+1)")
                                 .arg(QString::fromStdString(images.value().front().input.name)));
        Q_EMIT imageOpened(row, index);
        if (browse) Q_EMIT browseRequested();
      });
}

int EmbeddingController::nearest_correct(int row) const {
  if (!embedded_ || !embedded_->features) return -1;
  return static_cast<int>(nearest_correct_row(*embedded_->features, row));
}

void EmbeddingController::compare_with_nearest(int row) {
  const int partner = nearest_correct(row);
  if (partner < 0) {
    Q_EMIT errorRaised(tr("Cannot compare"), tr("No correctly classified image of this class was embedded."));
    return;
  }
  const auto& indices = embedded_->features->indices;
  worker_.submit(
      QStringLiteral("embedding pair"), this,
      [model = workspace_.shared_model(), path = embedded_->dataset_path,
       pair = std::vector<size_t>{static_cast<size_t>(indices[static_cast<size_t>(row)]),
                                  static_cast<size_t>(indices[static_cast<size_t>(partner)])}]()
          -> Result<std::vector<LoadedImage>> {
        auto dataset = open_dataset(path, model->card());
        if (!dataset) return Error{dataset.error()};
        return load_dataset_images(*model, dataset.value(), pair);
      },
      [this](Result<std::vector<LoadedImage>> images) {
        if (!images || images.value().size() != 2) {
          Q_EMIT errorRaised(tr("Cannot compare"), QString::fromStdString(images ? "" : images.error()));
          return;
        }
        const int a = workspace_.add_image(images.value()[0]);
        const int b = workspace_.add_image(images.value()[1]);
        workspace_.set_current_image(a);
        workspace_.request_compare(b, tr("the nearest correctly classified image in the embedded layer's features"));
      });
}

void EmbeddingController::choose_dataset() {
  const QString folder = QFileDialog::getExistingDirectory(
      window_, tr("Embed a dataset: a folder of class folders, of images, or with an IDX pair"));
  if (folder.isEmpty()) return;
  pane_->set_dataset(folder);
  run(folder, pane_->settings());
}

void EmbeddingController::export_dialog() {
  if (!embedded_ || embedded_->layout.empty()) return;
  const QString path = QFileDialog::getSaveFileName(window_, tr("Export embedding plot"), QStringLiteral("embedding.png"),
                                                    tr("PNG image (*.png)"));
  if (!path.isEmpty()) export_plot(path, true);
}

void EmbeddingController::export_plot(const QString& path, bool report) {
  if (!embedded_ || embedded_->layout.empty()) {
    finish_export(path, Error{"no embedding to export yet"}, report);
    return;
  }
  ScatterPlot plot = embedding_plot(*embedded_->features, embedded_->layout, workspace_.model()->card().labels,
                                    embedded_->title.toStdString());
  worker_.submit(
      QStringLiteral("embedding export"), this,
      [plot = std::move(plot), file = path.toStdString()]() -> Result<bool> {
        const RgbImage picture = draw_scatter_plot(plot);
        const std::string png = encode_rgb_png(picture.pixels.data(), picture.width, picture.height);
        if (png.empty()) return Error{file + ": the picture could not be encoded"};
        if (auto written = write_file_atomically(file, png); !written) return Error{written.error()};
        return true;
      },
      [this, path, report](Result<bool> written) {
        finish_export(path, written ? Status(Done{}) : Status(Error{written.error()}), report);
      },
      Scope::kWindow);
}

}  // namespace actscope
