// ActivationsController: browsing a model's layers. Captures every layer of
// the current image on the worker (one forward pass; switching layers then
// only renders), and shows the current layer in the layer tree, as a grid
// (with its before/after-activation half beside it when asked), as the conv
// weights, and one filter enlarged over the image. Owns the layer keys, the
// zoom keys and "Export Current Grid".
#pragma once

#include <memory>
#include <optional>

#include "core/base/result.h"
#include "core/maps/layer_view.h"
#include "core/model/model.h"
#include "ui/controllers/controller.h"

class QAction;
class QWidget;

namespace actscope {

class ActivationsPane;
class EngineWorker;
class LayerTree;
class PicturePane;
struct WeightsShown;
class Workspace;

class ActivationsController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  ActivationsController(Workspace& workspace, EngineWorker& worker, QWidget* window);

  LayerTree* tree() const { return tree_; }
  ActivationsPane* pane() const { return pane_; }
  PicturePane* weights() const { return weights_; }
  PicturePane* enlarged() const { return enlarged_; }
  QAction* export_action() const { return export_; }
  // Previous and next layer, back to the grid.
  QList<QAction*> view_actions() const { return view_actions_; }

  // The layer to show first once a model's first image is captured.
  void set_preferred_layer(const QString& name) { preferred_layer_ = name; }
  // Browsing, as the menus, keys and mouse do it. False for an unknown layer.
  bool select_layer(const QString& name);
  void step_layer(int step);  // to the previous/next layer with drawable output
  // Shows `filter` of the browsed layer over the image in the Enlarged
  // filter tab, which then follows the browsed layer and image.
  void enlarge_filter(int filter);
  // The shell shows `page` in the centre.
  void set_current_page(QWidget* page);

  // Writes the grid shown as a PNG.
  // Encoded and written on the worker; exported(path, error) follows, and
  // with `report` the status line or a message box tells the user.
  void export_grid(const QString& path, bool report = false);

 Q_SIGNALS:
  // The current image's layers were captured and the grid drawn.
  void captureShown();

 private:
  QStringList class_names_of(const Model& model, const LayerActivation& values) const;
  bool draw_enlarged(int filter);
  void hover_enlarged(double fx, double fy);
  void compute_fields();
  void show_fields();
  void refresh_enlarged();
  void build_actions();
  void connect_workspace();
  void reset();
  void capture_current_image();
  void show_capture(int image, Result<std::shared_ptr<const CaptureResult>> capture);
  QString first_layer() const;
  void show_layer();
  void render_layer_views();
  void render_side_grid(const ViewOptions& options);
  void render_weights();
  void hover_weights(double fx, double fy);
  void toggle_weights_filter(double fx, double fy);
  void export_grid_dialog();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  LayerTree* tree_;
  ActivationsPane* pane_;
  PicturePane* weights_;
  PicturePane* enlarged_;
  int enlarged_filter_ = -1;  // the filter the Enlarged filter tab shows, -1: none
  int pending_filter_ = -1;   // to select once the current image's grid is drawn
  QAction* export_;
  QList<QAction*> view_actions_;
  QString preferred_layer_;
  bool weights_shown_ = false;
  QString weights_layer_;                        // the layer the Weights tab drew
  int weights_expanded_ = -1;                    // its filter shown kernel by kernel, or -1
  std::shared_ptr<const WeightsShown> weights_drawn_;  // what is drawn, for the hover read-outs
  std::shared_ptr<const LayerView> shown_;  // the grid on screen, shared with the pane
};

}  // namespace actscope
