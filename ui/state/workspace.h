// Workspace: what the desktop program has open and where the user is: the
// model (and the files it came from), a second model to compare it with,
// the images, the current image and layer, the current image's captured
// layers, the open dataset, and how grids are drawn.
// Controllers change it and react to its signals; they never call each
// other. GUI thread only.
#pragma once

#include <memory>
#include <vector>

#include <QHash>
#include <QObject>
#include <QString>

#include "core/atlas/filter_stats.h"
#include "core/capture/receptive_field.h"
#include "core/data/loaded_images.h"
#include "core/model/model.h"
#include "ui/state/grid_settings.h"

namespace actscope {

struct Atlas;

// A unit of a layer's maps under the mouse: row `y`, column `x` of
// filter `filter` (-1: the unit's position without one filter).
struct HoveredUnit {
  QString layer;
  int filter = -1;
  int y = -1;
  int x = -1;
  bool valid() const { return !layer.isEmpty() && y >= 0 && x >= 0; }
};

class Workspace : public QObject {
  Q_OBJECT

 public:
  explicit Workspace(QObject* parent = nullptr);

  // A newly opened model (from `model_path`) with its images: no current
  // image or layer, no capture. Emits modelChanged.
  void open(std::shared_ptr<const Model> model, const QString& model_path, std::vector<LoadedImage> images);
  // Null before any model opened.
  const Model* model() const { return model_.get(); }
  std::shared_ptr<const Model> shared_model() const { return model_; }
  const QString& model_path() const { return model_path_; }

  // Model B: a second model beside the open one, whose layers the Models
  // view compares with the open model's; null when none (also before any
  // model opened). It stays when another model opens. Emits secondModelChanged.
  void set_second_model(std::shared_ptr<const Model> model, const QString& path);
  const Model* second_model() const { return second_model_.get(); }
  std::shared_ptr<const Model> shared_second_model() const { return second_model_; }
  const QString& second_model_path() const { return second_model_path_; }

  // Asks for `path` to be opened as the model with the open images (a
  // checkpoint of a training run). Emits modelRequested: the session opens it.
  void request_model(const QString& path);

  // The dataset the user opened and predicted (the Dataset view's), empty
  // when none; the Models and Timeline views run over it. It stays when
  // another model opens. Emits datasetChanged when it changes.
  void set_dataset_path(const QString& path);
  const QString& dataset_path() const { return dataset_path_; }

  const std::vector<LoadedImage>& images() const { return images_; }
  // The open model with other images (some removed, all cleared, or
  // replaced): like open() (modelChanged: everything that shows images starts
  // again), but the browsed layer stays.
  void replace_images(std::vector<LoadedImage> images);
  // Appends `image` (imageAdded), or finds it when the same image (name and
  // pixels) is open; a true class it brings is kept (imageUpdated). Returns
  // its index.
  int add_image(const LoadedImage& image);

  // -1: none. Emits currentImageChanged when it changes; out-of-range indices are ignored.
  int current_image() const { return current_image_; }
  void set_current_image(int index);

  // The browsed layer; emits layerChanged (also for the same layer: it is drawn again).
  const QString& current_layer() const { return current_layer_; }
  void set_current_layer(const QString& name);
  // The model's layer `name`, null when there is none.
  const LayerInfo* layer_info(const QString& name) const;

  // Every layer of image `image` (the current one when it was asked for); the
  // current layer becomes `layer`. Emits captureChanged.
  void set_capture(int image, std::shared_ptr<const CaptureResult> capture, const QString& layer);
  const CaptureResult* capture() const { return capture_.get(); }
  std::shared_ptr<const CaptureResult> shared_capture() const { return capture_; }
  int capture_image() const { return capture_image_; }
  // Layer `name` of the capture, null when absent.
  const LayerActivation* activation(const QString& name) const;

  const GridSettings& grid_settings() const { return grid_settings_; }
  void set_grid_settings(const GridSettings& settings);

  // The theoretical receptive field of every layer (Model::layers() order),
  // computed on the worker once a model opens; empty until then. Emits
  // fieldsChanged.
  void set_receptive_fields(std::vector<ReceptiveField> fields);
  bool has_receptive_fields() const { return !fields_.empty(); }
  // Layer `name`'s field, null when unknown yet or no such layer.
  const ReceptiveField* receptive_field(const QString& name) const;

  // The unit under the mouse in a grid or the enlarged filter (an invalid
  // one when the mouse left them). Emits unitHovered.
  void set_hovered_unit(const HoveredUnit& unit);

  // Each scanned layer's filters over the dataset of the filter atlas shown
  // (by layer name); empty when there is none. Emits datasetMarksChanged.
  void set_dataset_marks(QHash<QString, std::vector<DatasetMark>> marks);
  // Layer `name`'s marks, null when it was not scanned.
  const std::vector<DatasetMark>* dataset_marks(const QString& name) const;

  // Asks the grid to select `filter` of the browsed layer (now, or once the
  // current image's layers are drawn). Emits filterRequested.
  void request_filter(int filter);

  // The filter atlas shown in the Filters view (null when none; open()
  // drops it). Emits atlasChanged.
  void set_atlas(std::shared_ptr<const Atlas> atlas);
  std::shared_ptr<const Atlas> atlas() const { return atlas_; }

  // The filter of the browsed layer the Filters view is about (its table's
  // row, a tile of its visualization; -1: none). Emits filterChosen when it
  // changes; open() and a new layer reset it to -1 without a signal.
  void choose_filter(int filter);
  int chosen_filter() const { return chosen_filter_; }

  // The filter of the browsed layer the Enlarged filter tab shows (-1:
  // none). Emits enlargedFilterChanged when it changes.
  void set_enlarged_filter(int filter);
  int enlarged_filter() const { return enlarged_filter_; }

  // Asks compare mode to compare the current image with image `b`; with b
  // = -1, to show `note` (why there is no B). Emits compareRequested.
  void request_compare(int b, const QString& note = QString());

 Q_SIGNALS:
  void modelChanged();
  void secondModelChanged();
  void modelRequested(const QString& path);
  void datasetChanged();
  void imageAdded(int index);
  void imageUpdated(int index);
  void currentImageChanged(int index);
  void layerChanged(const QString& name);
  void captureChanged();
  void gridSettingsChanged();
  void compareRequested(int b, const QString& note);
  void fieldsChanged();
  void unitHovered(const HoveredUnit& unit);
  void filterRequested(int filter);
  void datasetMarksChanged();
  void atlasChanged();
  void filterChosen(int filter);
  void enlargedFilterChanged(int filter);

 private:
  std::shared_ptr<const Model> model_;
  QString model_path_;
  std::shared_ptr<const Model> second_model_;
  QString second_model_path_;
  QString dataset_path_;
  std::vector<LoadedImage> images_;
  int current_image_ = -1;
  QString current_layer_;
  std::shared_ptr<const CaptureResult> capture_;
  int capture_image_ = -1;
  GridSettings grid_settings_;
  std::vector<ReceptiveField> fields_;
  QHash<QString, std::vector<DatasetMark>> marks_;
  std::shared_ptr<const Atlas> atlas_;
  int chosen_filter_ = -1;
  int enlarged_filter_ = -1;
};

// The activation of layer `name` in `capture` (null when absent or no capture).
const LayerActivation* find_activation(const CaptureResult* capture, const QString& name);

}  // namespace actscope
