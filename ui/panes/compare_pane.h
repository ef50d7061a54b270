// ComparePane: the browsed layer for image A (the current image) and image B
// side by side on one scale per filter, the difference A - B, and the filters
// ranked by how differently they fire; above them, each image's prediction
// and its Grad-CAM for the predicted and the true class. In its second mode
// the two sides are one image through model A and model B (B's partner
// layer chosen here when B has none of the browsed layer's name). It only
// displays and asks: the compare controller captures on the worker and hands
// the comparison in.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QWidget>

#include "core/explain/compare.h"
#include "core/explain/compare_sheet.h"
#include "core/model/model.h"

class QComboBox;
class QLabel;
class QListWidget;
class QScrollArea;

namespace actscope {

class ColorBar;
class GridView;
struct LayerView;

// What the Compare tab compares.
enum class CompareMode {
  kImages,  // two images, one model
  kModels,  // one image, two models (A and B)
};

class ComparePane : public QWidget {
  Q_OBJECT

 public:
  explicit ComparePane(QWidget* parent = nullptr);

  // The images B can be chosen from (names as shown in the image strip).
  void set_images(const QStringList& names);
  void set_image_b(int index);  // -1: none; without imageBChosen

  // The mode shown (without modeChosen): two models hides the choice of
  // image B and the images' explanations and shows the partner layer.
  void set_mode(CompareMode mode);
  CompareMode mode() const { return mode_; }
  // Whether a second model is open (`b_file`, its file name): the two-models
  // mode can be chosen only then, and a hint says it exists.
  void set_second_model(const QString& b_file);
  // B's layers to pick the partner from (shown as "name  shape") with
  // `current` selected; `enabled` false when B has the browsed layer's name
  // (then it is the partner) and `note` says so in the tooltip.
  void set_partner_layers(const QStringList& names, const QStringList& shapes, const QString& current,
                          bool enabled, const QString& note);

  // Shows `comparison` of `layer`; `a_values` and `b_values` are the two
  // images' raw activations (kept here for the hover read-outs).
  void show_comparison(const std::string& layer, const QString& a_caption, const QString& b_caption,
                       FloatArray a_values, FloatArray b_values,
                       std::shared_ptr<const LayerComparison> comparison);
  // Two layers that cannot be compared filter by filter (another shape):
  // each grid on its own range, no A - B and no ranking; `why` says so.
  // `a` and `b` point into captures the caller keeps alive while shown.
  void show_side_by_side(const QString& a_caption, std::shared_ptr<const LayerView> a, const QString& b_caption,
                         std::shared_ptr<const LayerView> b, const QString& why);
  // Replaces the line above the grids (what is compared, in words).
  void set_summary(const QString& text);
  // Empties the pane with `message` (by default: choose image B).
  void clear(const QString& message = QString());
  // Each image's prediction and its Grad-CAM for the predicted and the true
  // class; null while it is being computed.
  void show_explanations(const ModelCard& card, const ImageExplanation* a, const ImageExplanation* b);

  // Zooms the three grids together (they stop fitting), fits them again,
  // or shows them at 1:1.
  void zoom_by(double factor);
  void fit_grids();
  void actual_size();
  // The scroll area of grid A (0), B (1) or A - B (2), for tests and the shell.
  QScrollArea* grid_area(int which) const;
  GridView* grid(int which) const { return which == 0 ? grid_a_ : which == 1 ? grid_b_ : grid_difference_; }

 Q_SIGNALS:
  void imageBChosen(int index);
  // "Propose B" was clicked.
  void proposeRequested();
  // The user chose a mode (CompareMode as int) or B's partner layer.
  void modeChosen(int mode);
  void partnerLayerChosen(const QString& name);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QWidget* build_choice_row();
  QWidget* build_explanations();
  QWidget* build_grids();
  void link_grids();
  int image_b() const;
  void set_grid_titles(const QString& a_caption, const QString& b_caption);

  QComboBox* image_b_;
  QComboBox* mode_box_;
  QComboBox* partner_;
  QWidget* image_row_;    // choosing image B
  QWidget* partner_row_;  // choosing B's layer
  QWidget* explanations_;
  QLabel* hint_;          // model B is open: the two-models mode exists
  CompareMode mode_ = CompareMode::kImages;
  QString second_model_;  // B's file name, empty when none
  QLabel* summary_;
  GridView* grid_a_;
  GridView* grid_b_;
  GridView* grid_difference_;
  QListWidget* ranking_;
  QLabel* grid_title_[3];
  ColorBar* grid_scale_[3];
  QScrollArea* grid_area_[3];
  // Per image (A, B): caption, input, CAM for the predicted and for the true class.
  QLabel* explanation_caption_[2];
  QLabel* explanation_picture_[2][3];
  QLabel* explanation_title_[2][3];
  // What the grids point into.
  FloatArray a_values_;
  FloatArray b_values_;
  std::shared_ptr<const LayerComparison> comparison_;
};

}  // namespace actscope
