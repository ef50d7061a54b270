#include "ui/controllers/atlas_controller.h"

#include <filesystem>
#include <optional>

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>
#include <QStandardPaths>

#include "core/atlas/atlas_json.h"
#include "core/atlas/crops.h"
#include "core/atlas/scan.h"
#include "core/io/atomic_file.h"
#include "core/data/loaded_images.h"
#include "core/io/sha256.h"
#include "ui/panes/filters_pane.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

// A scan on the engine worker, a batch per slice, with the open model.
struct ScanState {
  std::shared_ptr<const Model> model;
  std::string dataset_path;
  long long limit = 0;
  QString cache;  // where the atlas of this model, dataset and limit is kept
  std::unique_ptr<Dataset> dataset;  // outlives `scan`, which points into it
  std::optional<DatasetScan> scan;
};

struct Scanned {
  Atlas atlas;
  bool cached = false;
};

// One slice: the first finds the cached atlas or opens the dataset and
// starts the scan; each later one scans a batch. Nothing while more remains.
std::optional<Result<Scanned>> scan_slice(ScanState& state, const std::atomic<bool>& cancel,
                                          const std::function<void(size_t, size_t)>& progress) {
  if (cancel) return Result<Scanned>(Error{"cancelled"});
  const QString& cache = state.cache;
  if (!state.scan) {
    if (QFileInfo::exists(cache)) {
      if (auto cached = read_atlas(cache.toStdString())) return Result<Scanned>(Scanned{std::move(cached).value(), true});
    }
    auto dataset = open_dataset(state.dataset_path, state.model->card());
    if (!dataset) return Result<Scanned>(Error{dataset.error()});
    state.dataset = std::make_unique<Dataset>(std::move(dataset).value());
    ScanOptions options;
    options.limit = state.limit;
    auto scan = DatasetScan::start(*state.model, *state.dataset, options);
    if (!scan) return Result<Scanned>(Error{scan.error()});
    state.scan.emplace(std::move(scan).value());
    return std::nullopt;
  }
  auto more = state.scan->step();
  if (!more) return Result<Scanned>(Error{more.error()});
  progress(state.scan->done(), state.scan->total());
  if (more.value()) return std::nullopt;
  Atlas atlas = state.scan->take_atlas();
  QDir().mkpath(QFileInfo(cache).absolutePath());
  write_file_atomically(cache.toStdString(), atlas_to_json(atlas));  // a cache: failing to keep it is harmless
  return Result<Scanned>(Scanned{std::move(atlas), false});
}

}  // namespace

QString atlas_cache_path(const std::string& model_sha256, const ModelCard& card, const std::string& dataset,
                         long long limit) {
  // The card decides what the model sees (resize, crop, normalization) and
  // names the classes: another card is another atlas.
  const std::string key = sha256_hex(std::filesystem::absolute(dataset).lexically_normal().string() + "\n" +
                                     std::to_string(limit) + "\n" + model_card_to_json(card));
  return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/atlas/") +
         QString::fromStdString(model_sha256.substr(0, 16) + "-" + key.substr(0, 16) + ".json");
}

AtlasController::AtlasController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window), pane_(new FiltersPane) {
  pool_.setMaxThreadCount(1);  // the crops' images are read there (no model)
  scan_ = new QAction(tr("Scan Dataset &Filters..."), this);
  scan_->setToolTip(tr("What every filter does over a dataset: dead, active, selective, its top images"));
  connect(scan_, &QAction::triggered, this, &AtlasController::scan_dialog);
  open_ = new QAction(tr("Open Filter &Atlas..."), this);
  connect(open_, &QAction::triggered, this, &AtlasController::open_dialog);
  connect(pane_, &FiltersPane::scanRequested, this, &AtlasController::scan_dialog);
  connect(pane_, &FiltersPane::openRequested, this, &AtlasController::open_dialog);
  connect(pane_, &FiltersPane::cancelRequested, this, [this] { cancel_->store(true); });
  connect(pane_, &FiltersPane::cropsWanted, this, [this](int filter) {
    workspace_.choose_filter(filter);  // the Filters view's other panes follow the table
    compute_crops(filter);
  });
  connect(&workspace_, &Workspace::filterChosen, this, [this](int filter) {
    if (atlas_ && filter >= 0 && pane_->shown_filter() != filter) pane_->select_filter(filter);
  });
  connect(pane_, &FiltersPane::topImageChosen, this, &AtlasController::open_top_image);
  connect(&workspace_, &Workspace::layerChanged, this, &AtlasController::show_layer);
  connect(&workspace_, &Workspace::captureChanged, this, &AtlasController::show_layer);
  connect(&workspace_, &Workspace::modelChanged, this, [this] {
    atlas_.reset();
    workspace_.set_atlas(nullptr);
    pane_->show_message(tr("No filter atlas for this model yet: scan a dataset, or open an atlas."));
  });
}

AtlasController::~AtlasController() {
  cancel_->store(true);
  pool_.waitForDone();
}

void AtlasController::scan(const QString& dataset, long long limit) {
  if (!workspace_.model()) {
    Q_EMIT errorRaised(tr("No model"), tr("Open a model first."));
    return;
  }
  cancel_->store(true);  // a scan still running stops; this one gets a fresh flag
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  about_ = tr("%1: %2").arg(QFileInfo(workspace_.model_path()).fileName(), dataset);
  pane_->show_running(tr("Scanning %1...").arg(dataset));
  Q_EMIT pageRequested(pane_);
  // On the one engine worker with the open model, a batch per slice: a CAM
  // or a layer asked for meanwhile waits for one batch, not the whole scan.
  auto state = std::make_shared<ScanState>();
  state->model = workspace_.shared_model();
  state->dataset_path = dataset.toStdString();
  state->limit = limit;
  state->cache = atlas_cache_path(state->model->sha256(), state->model->card(), state->dataset_path, limit);
  auto progress = [pane = QPointer<FiltersPane>(pane_)](size_t done, size_t total) {
    EngineWorker::post(pane, [pane, done, total] { pane->show_progress(done, total); });
  };
  worker_.submit_slices(
      QStringLiteral("scan"), this,
      [state, cancel = cancel_, progress] { return scan_slice(*state, *cancel, progress); },
      [this, cancel = cancel_](Result<Scanned> scanned) {
        if (cancel != cancel_) return;  // a newer scan replaced this one
        if (!scanned) {
          finish(Error{*cancel ? std::string("cancelled") : scanned.error()}, false, about_);
          return;
        }
        finish(std::move(scanned.value().atlas), scanned.value().cached, about_);
      });
}

void AtlasController::open_atlas(const QString& path) {
  // Read and parsed on the worker: the GUI thread only draws.
  const std::string model_sha256 = workspace_.model() ? workspace_.model()->sha256() : std::string();
  worker_.submit(
      QStringLiteral("atlas-open"), this,
      [file = path.toStdString(), model_sha256]() -> Result<Atlas> {
        auto atlas = read_atlas(file);
        if (atlas && !model_sha256.empty() && model_sha256 != atlas.value().model_sha256) {
          return Error{file + ": scanned with another model (" + atlas.value().model_path + "), not the one open"};
        }
        return atlas;
      },
      [this, path](Result<Atlas> atlas) { finish(std::move(atlas), false, path); });
}

void AtlasController::finish(Result<Atlas> atlas, bool cached, const QString& about) {
  if (!atlas) {
    const QString error = QString::fromStdString(atlas.error());
    pane_->show_message(error == QStringLiteral("cancelled") ? tr("Scan cancelled.") : error);
    if (error != QStringLiteral("cancelled")) Q_EMIT errorRaised(tr("No filter atlas"), error);
    Q_EMIT atlasShown(error, false);
    return;
  }
  atlas_ = std::make_shared<const Atlas>(std::move(atlas).value());
  QHash<QString, std::vector<DatasetMark>> marks;
  for (const LayerStats& layer : atlas_->layers) marks.insert(QString::fromStdString(layer.name), dataset_marks(layer));
  workspace_.set_dataset_marks(std::move(marks));
  workspace_.set_atlas(atlas_);
  about_ = tr("%1 (%2 images%3)").arg(about).arg(atlas_->dataset_images).arg(cached ? tr(", from the cache") : QString());
  show_layer();
  Q_EMIT statusChanged(tr("Filter atlas of %1 images ready%2").arg(atlas_->dataset_images).arg(cached ? tr(" (cached)") : QString()));
  Q_EMIT atlasShown(QString(), cached);
}

void AtlasController::show_layer() {
  if (!atlas_) return;
  const std::string layer = workspace_.current_layer().toStdString();
  for (const LayerStats& stats : atlas_->layers) {
    if (stats.name == layer) {
      pane_->show_layer(stats, atlas_->labels, about_);
      return;
    }
  }
  pane_->show_message(tr("%1\nLayer %2 was not scanned (only layers with maps are).").arg(about_, workspace_.current_layer()));
}

// The top images of `filter` cut to the unit's field (small fields boxed on
// the whole image), on the crops thread
// (the dataset is opened there once per atlas; reading needs no model).
void AtlasController::compute_crops(int filter) {
  if (!atlas_ || !workspace_.model()) return;
  const QString layer = workspace_.current_layer();
  const ReceptiveField* known = workspace_.receptive_field(layer);
  ReceptiveField field;  // unknown until computed: the whole image
  if (known) field = *known;
  const LayerStats* stats = nullptr;
  for (const LayerStats& candidate : atlas_->layers) {
    if (candidate.name == layer.toStdString()) stats = &candidate;
  }
  if (!stats || filter < 0 || filter >= static_cast<int>(stats->filters.size())) return;
  const std::vector<TopUnit> top = stats->filters[static_cast<size_t>(filter)].top;
  pool_.start([self = QPointer<AtlasController>(this), holder = crops_dataset_, path = atlas_->dataset_path,
               card = workspace_.model()->card(), field, top, filter] {
    if (holder->path != path || !holder->dataset) {
      auto opened = open_dataset(path, card);
      if (!opened) return;  // the pictures stay empty; the list still names the images
      holder->dataset = std::make_shared<const Dataset>(std::move(opened).value());
      holder->path = path;
    }
    // A field of a few pixels cut out and blown up is a block of gray: it
    // is shown boxed on its whole image instead.
    auto crops = std::make_shared<std::vector<RgbImage>>();
    for (const TopUnit& unit : top) {
      auto input = holder->dataset->input(static_cast<size_t>(unit.image), card);
      if (!input) {
        crops->push_back(RgbImage{});
        continue;
      }
      const RgbImage& display = input.value().display;
      const auto [width, height] = field_size(field, display.width, display.height);
      crops->push_back(std::min(width, height) < kSmallField ? field_in_context(display, field, unit.y, unit.x)
                                                             : field_crop(display, field, unit.y, unit.x));
    }
    EngineWorker::post(self, [self, filter, crops] {
      self->pane_->show_crops(filter, *crops);
      Q_EMIT self->cropsShown(filter);
    });
  });
}

// A top image of the atlas' dataset into the strip, current, with the
// browsed layer's filter selected and the unit's field boxed on the input.
void AtlasController::open_top_image(int filter, const TopUnit& unit) {
  if (!atlas_ || !workspace_.model()) return;
  const QString layer = workspace_.current_layer();
  worker_.submit(
      QStringLiteral("atlas image"), this,
      [model = workspace_.shared_model(), path = atlas_->dataset_path, index = unit.image]()
          -> Result<std::vector<LoadedImage>> {
        auto dataset = open_dataset(path, model->card());
        if (!dataset) return Error{dataset.error()};
        return load_dataset_images(*model, dataset.value(), {static_cast<size_t>(index)});
      },
      [this, layer, filter, unit](Result<std::vector<LoadedImage>> images) {
        if (!images) {
          Q_EMIT errorRaised(tr("Cannot open the image"), QString::fromStdString(images.error()));
          return;
        }
        workspace_.set_current_image(workspace_.add_image(images.value().front()));
        if (workspace_.current_layer() != layer) workspace_.set_current_layer(layer);
        workspace_.request_filter(filter);
        workspace_.set_hovered_unit({layer, filter, unit.y, unit.x});
        Q_EMIT statusChanged(tr("%1: filter %2 peaks at row %3, column %4")
                                 .arg(QString::fromStdString(unit.name))
                                 .arg(filter)
                                 .arg(unit.y)
                                 .arg(unit.x));
        Q_EMIT topImageOpened(workspace_.current_image());
      });
}

void AtlasController::scan_dialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      window_, tr("Scan a dataset: a folder of class folders, of images, or with an IDX pair"));
  if (!folder.isEmpty()) scan(folder);
}

void AtlasController::open_dialog() {
  const QString path = QFileDialog::getOpenFileName(window_, tr("Open filter atlas"), QString(),
                                                    tr("Filter atlas (atlas.json *.json)"));
  if (!path.isEmpty()) open_atlas(path);
}

}  // namespace actscope
