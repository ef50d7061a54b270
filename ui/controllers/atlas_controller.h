// AtlasController: the Filters tab. Scans a dataset with the open model into
// a filter atlas (core/atlas) on a thread of its own, with its own copy of
// the model, so browsing goes on meanwhile; shows progress and cancels on
// request; keeps finished atlases in the user's cache (keyed by the model
// file's sha256, the dataset and the limit) so a second scan is instant;
// opens atlas.json files written by actscope-cli; shows the browsed layer's
// filters.
#pragma once

#include <atomic>
#include <memory>

#include <QString>
#include <QThreadPool>

#include "core/atlas/atlas.h"
#include "core/data/dataset.h"
#include "ui/controllers/controller.h"

class QAction;
class QWidget;

namespace actscope {

class EngineWorker;
class FiltersPane;
class Workspace;

class AtlasController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`; images chosen in the atlas load on `worker`.
  AtlasController(Workspace& workspace, EngineWorker& worker, QWidget* window);
  // Cancels a running scan and waits for it.
  ~AtlasController() override;

  FiltersPane* pane() const { return pane_; }
  QAction* scan_action() const { return scan_; }
  QAction* open_action() const { return open_; }

  // Scans `dataset` (a path open_dataset accepts; `limit` first images, 0:
  // all) with the open model, or takes the cached atlas of the same scan.
  // Returns at once; atlasShown follows.
  void scan(const QString& dataset, long long limit = 0);
  // Reads an atlas.json (of the open model) and shows it.
  void open_atlas(const QString& path);
  const Atlas* atlas() const { return atlas_.get(); }

 Q_SIGNALS:
  // An atlas (or `error`, or "cancelled") is shown; `cached`: it came from the cache.
  void atlasShown(const QString& error, bool cached);
  // The crops of `filter`'s top images are shown.
  void cropsShown(int filter);
  // A top image was opened: it is image `index` of the strip, current.
  void topImageOpened(int index);

 private:
  void show_layer();
  void finish(Result<Atlas> atlas, bool cached, const QString& about);
  void scan_dialog();
  void compute_crops(int filter);
  void open_top_image(int filter, const TopUnit& unit);
  void open_dialog();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  FiltersPane* pane_;
  QAction* scan_;
  QAction* open_;
  std::shared_ptr<const Atlas> atlas_;
  QString about_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  // The dataset the crops are read from, touched on the crops thread only.
  struct CropsDataset {
    std::string path;
    std::shared_ptr<const Dataset> dataset;
  };
  std::shared_ptr<CropsDataset> crops_dataset_ = std::make_shared<CropsDataset>();
  QThreadPool pool_;  // one thread reading the crops' images (no model: the scan runs on the engine worker)
};

// Where the atlas of scanning `dataset` (first `limit` images) with the model
// whose file has `model_sha256`, read through `card`, is cached.
QString atlas_cache_path(const std::string& model_sha256, const ModelCard& card, const std::string& dataset,
                         long long limit);

}  // namespace actscope
