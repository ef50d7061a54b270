// FaithfulnessController: how far to believe each CAM method, in the All
// Methods view (its FaithfulnessPane). Owned by the CamController, whose
// view it fills: after the view's maps it measures every CAM method that can
// be computed and the random baseline on the current image for the CAM's
// layer and class (core/faithfulness/, one method per slice on the engine
// worker, with progress and Cancel); "Over the dataset..." measures the same
// over the open dataset (the workspace's), a batch of images per slice, and
// shows each metric's mean and spread. A result that no longer matches the
// image, layer or class is cleared and its run cancelled. GUI thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <QString>

#include "core/explain/cam.h"
#include "core/faithfulness/faithfulness_run.h"
#include "ui/controllers/controller.h"
#include "ui/state/engine_worker.h"

class QWidget;

namespace actscope {

class FaithfulnessPane;
class Workspace;

class FaithfulnessController : public Controller {
  Q_OBJECT

 public:
  // `pane` belongs to the caller's view; dialogs open over `window`.
  FaithfulnessController(Workspace& workspace, EngineWorker& worker, FaithfulnessPane* pane, QWidget* window);
  // Cancels the runs.
  ~FaithfulnessController() override;

  FaithfulnessPane* pane() const { return pane_; }

  // Measures workspace image `image` for `cam`'s layers and class (unset:
  // its predicted class). Returns at once; imageMeasured follows.
  void measure_image(int image, const CamOptions& cam);
  // The image, layers and class the CAM now follows: results measured for
  // others are cleared (the dataset's only when the layers or class differ).
  void follow(int image, const CamOptions& cam);
  // Measures `limit` images of the open dataset (spread evenly; 0: all, see
  // faithfulness_sample) with the last image request's layers and class.
  // Returns at once; datasetMeasured follows.
  void measure_dataset(int64_t limit);
  // Stops both runs.
  void cancel();

  // The last results (for tests): the methods in the table's order.
  const std::vector<std::string>& image_methods() const { return image_methods_; }
  const std::optional<ImageFaithfulness>& image_result() const { return image_result_; }
  const std::optional<FaithfulnessRun>& dataset_result() const { return dataset_result_; }

 Q_SIGNALS:
  // The image's table is shown (`error` empty), or why not ("cancelled").
  void imageMeasured(const QString& error);
  // The dataset's means are shown (`error` empty), or why not ("cancelled").
  void datasetMeasured(const QString& error);

 private:
  // What a result was measured for.
  struct Request {
    bool set = false;
    int image = -1;
    std::string name;  // the image's
    std::vector<std::string> layers;
    std::optional<int> target_class;
  };

  FaithfulnessRunOptions run_options(const CamOptions& cam, std::vector<std::string> methods) const;
  QString class_text(const std::optional<int>& target_class) const;
  void show_image(Result<ImageFaithfulness> measured, const std::vector<std::string>& methods,
                  const std::vector<std::string>& notes);
  void show_dataset(Result<FaithfulnessRun> run);
  void ask_limit();
  void follow_dataset();
  std::function<void(const QString&, size_t, size_t)> progress_poster(const CancelToken& cancel);

  Workspace& workspace_;
  EngineWorker& worker_;
  FaithfulnessPane* pane_;
  QWidget* window_;
  Request current_;          // what the CAM follows now
  Request image_request_;    // of the image result (or run)
  Request dataset_request_;  // of the dataset result (or run)
  CancelToken image_cancel_ = std::make_shared<std::atomic<bool>>(true);
  CancelToken dataset_cancel_ = std::make_shared<std::atomic<bool>>(true);
  std::vector<std::string> image_methods_;
  std::optional<ImageFaithfulness> image_result_;
  std::optional<FaithfulnessRun> dataset_result_;
  QString dataset_path_;  // of the dataset run
};

}  // namespace actscope
