#include "ui/state/workspace.h"

#include <utility>

#include "core/atlas/atlas.h"

namespace actscope {

Workspace::Workspace(QObject* parent) : QObject(parent) {}

void Workspace::open(std::shared_ptr<const Model> model, const QString& model_path,
                     std::vector<LoadedImage> images) {
  model_ = std::move(model);
  model_path_ = model_path;
  images_ = std::move(images);
  current_image_ = -1;
  current_layer_.clear();
  capture_.reset();
  capture_image_ = -1;
  fields_.clear();  // the next model's are computed again
  marks_.clear();
  atlas_.reset();
  chosen_filter_ = enlarged_filter_ = -1;
  Q_EMIT modelChanged();
}

void Workspace::set_second_model(std::shared_ptr<const Model> model, const QString& path) {
  second_model_ = std::move(model);
  second_model_path_ = second_model_ ? path : QString();
  Q_EMIT secondModelChanged();
}

void Workspace::request_model(const QString& path) { Q_EMIT modelRequested(path); }

void Workspace::set_dataset_path(const QString& path) {
  if (path == dataset_path_) return;
  dataset_path_ = path;
  Q_EMIT datasetChanged();
}

void Workspace::replace_images(std::vector<LoadedImage> images) {
  const QString layer = current_layer_;
  images_ = std::move(images);
  current_image_ = -1;
  capture_.reset();
  capture_image_ = -1;
  current_layer_ = layer;
  Q_EMIT modelChanged();
}

int Workspace::add_image(const LoadedImage& image) {
  for (size_t i = 0; i < images_.size(); ++i) {
    LoadedImage& open = images_[i];
    if (open.input.name != image.input.name || open.input.tensor != image.input.tensor) continue;
    if (image.true_class >= 0 && open.true_class != image.true_class) {
      open.true_class = image.true_class;
      Q_EMIT imageUpdated(static_cast<int>(i));
    }
    return static_cast<int>(i);
  }
  images_.push_back(image);
  const int index = static_cast<int>(images_.size()) - 1;
  Q_EMIT imageAdded(index);
  return index;
}

void Workspace::set_current_image(int index) {
  if (index < 0 || index >= static_cast<int>(images_.size()) || index == current_image_) return;
  current_image_ = index;
  Q_EMIT currentImageChanged(index);
}

void Workspace::set_current_layer(const QString& name) {
  if (name != current_layer_) chosen_filter_ = -1;  // a filter number of another layer
  current_layer_ = name;
  Q_EMIT layerChanged(name);
}

void Workspace::set_receptive_fields(std::vector<ReceptiveField> fields) {
  fields_ = std::move(fields);
  Q_EMIT fieldsChanged();
}

const ReceptiveField* Workspace::receptive_field(const QString& name) const {
  if (!model_) return nullptr;
  const auto& layers = model_->layers();
  for (size_t i = 0; i < layers.size() && i < fields_.size(); ++i) {
    if (layers[i].name == name.toStdString()) return &fields_[i];
  }
  return nullptr;
}

void Workspace::set_hovered_unit(const HoveredUnit& unit) { Q_EMIT unitHovered(unit); }

void Workspace::request_filter(int filter) { Q_EMIT filterRequested(filter); }

void Workspace::set_atlas(std::shared_ptr<const Atlas> atlas) {
  atlas_ = std::move(atlas);
  Q_EMIT atlasChanged();
}

void Workspace::choose_filter(int filter) {
  if (filter == chosen_filter_) return;
  chosen_filter_ = filter;
  Q_EMIT filterChosen(filter);
}

void Workspace::set_enlarged_filter(int filter) {
  if (filter == enlarged_filter_) return;
  enlarged_filter_ = filter;
  Q_EMIT enlargedFilterChanged(filter);
}

void Workspace::set_dataset_marks(QHash<QString, std::vector<DatasetMark>> marks) {
  marks_ = std::move(marks);
  Q_EMIT datasetMarksChanged();
}

const std::vector<DatasetMark>* Workspace::dataset_marks(const QString& name) const {
  const auto it = marks_.find(name);
  return it == marks_.end() ? nullptr : &it.value();
}

const LayerInfo* Workspace::layer_info(const QString& name) const {
  return model_ ? model_->find_layer(name.toStdString()) : nullptr;
}

void Workspace::set_capture(int image, std::shared_ptr<const CaptureResult> capture, const QString& layer) {
  capture_ = std::move(capture);
  capture_image_ = image;
  if (layer != current_layer_) chosen_filter_ = -1;
  current_layer_ = layer;
  Q_EMIT captureChanged();
}

const LayerActivation* Workspace::activation(const QString& name) const {
  return find_activation(capture_.get(), name);
}

void Workspace::set_grid_settings(const GridSettings& settings) {
  grid_settings_ = settings;
  Q_EMIT gridSettingsChanged();
}

void Workspace::request_compare(int b, const QString& note) { Q_EMIT compareRequested(b, note); }

const LayerActivation* find_activation(const CaptureResult* capture, const QString& name) {
  if (!capture) return nullptr;
  const std::string wanted = name.toStdString();
  for (const auto& layer : capture->activations) {
    if (layer.name == wanted) return &layer;
  }
  return nullptr;
}

}  // namespace actscope
