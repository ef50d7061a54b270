// EmbeddingController: the Embedding view. Collects a layer's features over
// a dataset and lays them out (core/embed) on the engine worker a slice at a
// time: the features a batch per slice, then PCA, shown at once, then t-SNE
// some iterations per slice, each layout shown as it forms; Cancel stops it.
// Finished runs are kept in the user's cache (keyed by the model file's
// sha256, the card, the dataset, the layer and the parameters) so a second
// run is instant. Hovering a point reads its thumbnail on a thread of its
// own; a click opens the image in the strip; "Compare with nearest correct"
// pairs a wrong image with the correct image of its true class nearest in
// the embedded features; the plot exports as the PNG the CLI writes.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <QString>
#include <QThreadPool>

#include "core/data/dataset.h"
#include "core/embed/features.h"
#include "ui/controllers/controller.h"
#include "ui/panes/embedding_pane.h"

class QAction;
class QWidget;

namespace actscope {

class EngineWorker;
class Workspace;

// A finished (or forming) embedding: the features with their images, and the layout.
struct Embedded {
  std::shared_ptr<const Features> features;
  std::string dataset_path;
  std::vector<float> layout;  // rows x 2
  QString title;
  double kl_divergence = 0.0;
};

class EmbeddingController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  EmbeddingController(Workspace& workspace, EngineWorker& worker, QWidget* window);
  // Cancels a run and waits for the thumbnail thread.
  ~EmbeddingController() override;

  EmbeddingPane* pane() const { return pane_; }
  QAction* embed_action() const { return embed_; }

  // The dataset the next run embeds (a path open_dataset accepts).
  void set_dataset(const QString& path);
  // Embeds the dataset with the open model (or takes the cached result).
  // Returns at once; layoutShown follows for each layout, embeddingShown at the end.
  void run(const QString& dataset, const EmbeddingSettings& settings);
  const Embedded* embedded() const { return embedded_.get(); }
  // Opens point `row`'s image in the strip as the current image; with
  // `browse` the Browse view shows its activations. imageOpened follows.
  void open_image(int row, bool browse);
  // Writes the plot as the command line draws it (legend, title, crosses)
  // to `path`, encoded and written on the worker; exported(path, error)
  // follows, and with `report` the status line or a message box.
  void export_plot(const QString& path, bool report = false);
  // The row of the correctly classified image of `row`'s true class nearest
  // to it in the embedded features, or -1.
  int nearest_correct(int row) const;

 Q_SIGNALS:
  // A layout is on the plot (PCA's, then t-SNE's as it forms); `final` when the run ended.
  void layoutShown(bool final);
  // The run ended: `error` empty, "cancelled" or what failed; `cached`: from the cache.
  void embeddingShown(const QString& error, bool cached);
  // Point `row`'s image is strip image `index`, current.
  void imageOpened(int row, int index);
  // The user asked for the image's activations (a double-click).
  void browseRequested();

 private:
  void refresh_layers();
  void show_frame(std::vector<float> layout, const QString& title, bool final);
  void finish(Result<Embedded> embedded, bool cached);
  void hover(int row);
  void compare_with_nearest(int row);
  void choose_dataset();
  void export_dialog();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  EmbeddingPane* pane_;
  QAction* embed_;
  std::shared_ptr<Embedded> embedded_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  // The dataset thumbnails are read from, touched on the thumbnail thread only.
  struct Thumbnails {
    std::string path;
    std::shared_ptr<const Dataset> dataset;
  };
  std::shared_ptr<Thumbnails> thumbnails_ = std::make_shared<Thumbnails>();
  QThreadPool pool_;  // one thread reading thumbnails (no model)
};

// Where the embedding of `dataset` with the model whose file has
// `model_sha256`, read through `card`, with `settings` is cached (a folder).
QString embedding_cache_path(const std::string& model_sha256, const ModelCard& card, const std::string& dataset,
                             const EmbeddingSettings& settings);

}  // namespace actscope
