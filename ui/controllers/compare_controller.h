// CompareController: compare mode (the Compare tab). Two images, one model:
// captures image B on the worker and compares the browsed layer of the
// current image (A) and B; explains both images (prediction and Grad-CAMs)
// once each; proposes B (the nearest correctly classified open image of A's
// true class); owns "Export Comparison Sheet". One image, two models: the
// current image through the open model (A, the browsed layer) and the second
// model (B, captured on the worker; the layer of the same name, else the one
// picked), compared alike when both layers have one shape, else side by side
// (compare_two_models.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QHash>

#include "core/base/result.h"
#include "core/explain/compare.h"
#include "core/explain/compare_sheet.h"
#include "ui/controllers/controller.h"
#include "ui/panes/compare_pane.h"

class QAction;
class QWidget;

namespace actscope {

class EngineWorker;
class Workspace;

class CompareController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  CompareController(Workspace& workspace, EngineWorker& worker, QWidget* window);

  ComparePane* pane() const { return pane_; }
  QAction* export_action() const { return export_; }

  // Image B (-1: none); it is captured on the worker, then the browsed layer
  // is shown for both images.
  void set_image_b(int index);
  int image_b() const { return image_b_; }
  // Two images in one model, or the current image in the open model and the
  // second one (ignored without a second model). Drawn when the tab shows.
  void set_mode(CompareMode mode);
  CompareMode mode() const { return mode_; }
  // B's layer compared with the browsed layer when B has none of its name.
  void set_partner_layer(const QString& name);
  // B becomes the correctly classified open image of A's true class nearest
  // to A in the penultimate layer's features (found on the worker). Opening
  // the Compare tab does this for a misclassified A.
  void propose();
  // The shell shows `page` in the centre.
  void set_current_page(QWidget* page);
  // The comparison sheet of the current pair (see compose_comparison).
  // Encoded and written on the worker; exported(path, error) follows, and
  // with `report` the status line or a message box tells the user.
  void export_comparison(const QString& path, bool report = false);

 Q_SIGNALS:
  // The Compare tab shows the browsed layer for images A and B (or for
  // models A and B).
  void compareShown();
  // Both compared images' predictions and Grad-CAMs are shown.
  void explanationsShown();
  // A proposal of propose() came back from the worker: `applied` when it
  // became B (or its failure is shown); false when it was dropped because the
  // user chose B or moved to another image meanwhile.
  void proposalSettled(bool applied);

 private:
  // What the pane shows: the comparison of `layer` for images `a` and `b`.
  struct Shown {
    int a = -1;
    int b = -1;
    std::string layer;
    std::shared_ptr<const LayerComparison> comparison;
  };

  void reset();
  void refresh_choices();
  void show_request(int b, const QString& note);
  void clear(const QString& message = QString());
  void request_capture_b();
  void render();
  QString caption(int image, const QString& letter) const;
  void request_explanations();
  void store_explanations(std::vector<std::pair<int, ImageExplanation>> explained);
  bool show_explanations();
  void show_proposal(int image, Result<size_t> partner);
  void export_dialog();
  // One image, two models (compare_two_models.cpp).
  void second_model_changed();
  void render_models();
  QString partner_layer(const Model& b, const QString& layer);
  void request_capture_model_b(int image);
  void render_side_by_side(const LayerActivation& a, const QString& a_caption, const LayerActivation& b,
                           const QString& b_caption);
  QString model_caption(const QString& letter, const QString& layer, const QString& path) const;

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  ComparePane* pane_;
  QAction* export_;
  bool shown_tab_ = false;  // the Compare tab is in front
  bool quiet_ = false;      // bringing the tab to the front proposes nothing
  int image_b_ = -1;
  std::shared_ptr<const CaptureResult> capture_b_;  // every layer of image B
  Shown shown_;
  QHash<int, std::shared_ptr<const ImageExplanation>> explanations_;  // by image index
  std::vector<int> explaining_;  // the images whose explanations are on their way
  int choice_ = 0;               // counts choices of B: a proposal made before a later choice is dropped
  int proposal_choice_ = -1;     // the choice the proposal on its way was made at
  CompareMode mode_ = CompareMode::kImages;
  // The current image through model B: which image and model it is of, and
  // the request on its way (image -1: none).
  std::shared_ptr<const CaptureResult> model_b_capture_;
  int model_b_image_ = -1;
  const Model* model_b_ = nullptr;
  int model_b_pending_ = -1;
  QString chosen_partner_;  // picked in the pane; used when B lacks the browsed layer's name
  std::shared_ptr<const CaptureResult> drawn_[2];  // what side-by-side grids point into
};

}  // namespace actscope
