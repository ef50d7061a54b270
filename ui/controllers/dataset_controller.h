// DatasetController: the Dataset tab. Opens a labelled image set and
// predicts every image on the worker (progress and Cancel in the pane); a
// dataset image to compare is added to the open images with its proposed
// partner (the nearest correctly classified image of its true class) and
// handed to compare mode through the workspace. Owns "Open Dataset".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/data/loaded_images.h"
#include "core/explain/compare.h"
#include "ui/controllers/controller.h"

class QAction;
class QWidget;

namespace actscope {

class DatasetPane;
class EngineWorker;
class Workspace;

class DatasetController : public Controller {
  Q_OBJECT

 public:
  DatasetController(Workspace& workspace, EngineWorker& worker, QWidget* window);

  DatasetPane* pane() const { return pane_; }
  QAction* open_action() const { return open_; }

  // Opens a dataset (a folder of class folders, or an IDX set; see
  // open_dataset) and predicts every image on the worker. datasetShown
  // reports the end.
  void load(const QString& path);
  // Adds dataset image `index` (A) and the correctly classified image of its
  // true class nearest to it (B) to the open images and compares them.
  void compare_image(int index);
  // Shows dataset image `index` (read and predicted on the worker): it joins
  // the strip and becomes the current image (imageShown).
  void show_image(int index);

 Q_SIGNALS:
  // A dataset image selected in the list is the current image.
  void imageShown();
  // A dataset's predictions (or `error`, or "cancelled") are shown.
  void datasetShown(const QString& error);

 private:
  void show_class_names();
  // A dataset with the model's prediction of each of its images.
  struct Run {
    std::shared_ptr<const Dataset> dataset;
    std::vector<DatasetPrediction> predictions;
  };

  void reset();
  void show_run(Result<Run> run);
  void show_pair(Result<ComparePair> pair);

  Workspace& workspace_;
  EngineWorker& worker_;
  DatasetPane* pane_;
  QAction* open_;
  std::shared_ptr<const Run> run_;
  // What run_ was predicted with: the same model again keeps it.
  QString run_model_path_;
  std::vector<std::string> run_labels_;
};

}  // namespace actscope
