// CamController: the Grad-CAM dock. Computes the CAM of the current image on
// the worker at the browsed layer (or the pinned one) for the chosen method
// and class, shows Score-CAM's progress and cancels it on request, and owns
// "Export Grad-CAM Overlay". Its All Methods view shows every method's map
// and, through the FaithfulnessController it owns, how faithful each is.
#pragma once

#include <memory>

#include "core/base/result.h"
#include "core/explain/cam.h"
#include "core/model/image_input.h"
#include "ui/controllers/controller.h"
#include "ui/state/workspace.h"

class QAction;
class QWidget;

namespace actscope {

class CamMethodsView;
class CamPane;
class EngineWorker;
class FaithfulnessController;
class Workspace;

class CamController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  CamController(Workspace& workspace, EngineWorker& worker, QWidget* window);

  CamPane* pane() const { return pane_; }
  QAction* export_action() const { return export_; }

  // The CAM's target class; -1 means the predicted class.
  int target_class() const { return target_class_; }
  // Writes the heatmap over the image as a figure: at least 224 pixels on its
  // shorter side, captioned with the model, image, method, layer, class and
  // score, with the CAM's colour bar.
  // Encoded and written on the worker; exported(path, error) follows, and
  // with `report` the status line or a message box tells the user.
  void export_cam(const QString& path, bool report = false);

 Q_SIGNALS:
  // A CAM (or its error) is shown in the pane.
  void camShown();
  // The All methods view shows its sheet (or `error`, or "cancelled").
  void allMethodsShown(const QString& error);
  // The hovered unit's effective field is drawn on the input picture.
  void fieldShown();

 public:
  // Computes every method's map of the current image on the worker and shows
  // them side by side (Score-CAM last, with progress and Cancel).
  void show_all_methods();
  CamMethodsView* methods_view() const { return methods_view_; }
  // The view's faithfulness metrics; null until the view is first shown.
  FaithfulnessController* faithfulness() const { return faithfulness_; }

 private:
  void reset();
  void show_image(int index);
  void follow_layer();
  void set_pinned(bool pinned);
  QString cam_layer() const;
  CamOptions options() const;
  void request_cam();
  void show_cam(int image, Result<CamResult> cam);
  void show_field(const HoveredUnit& unit);
  void export_dialog();
  void make_methods_view();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  CamPane* pane_;
  CamMethodsView* methods_view_ = nullptr;  // made on first use, over the window
  FaithfulnessController* faithfulness_ = nullptr;  // made with the view
  QAction* export_;
  CamMethod method_ = CamMethod::kGradCam;
  int target_class_ = -1;
  QString pinned_layer_;
  std::shared_ptr<const CamResult> cam_;  // the last one shown
  RgbImage cam_display_;                  // the image it was computed on
  std::string cam_name_;                  // and that image's name
  HoveredUnit hovered_;                   // the unit whose field the pane shows
};

}  // namespace actscope
