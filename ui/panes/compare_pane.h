// ComparePane: the browsed layer for image A (the current image) and image B
// side by side on one scale per filter, the difference A - B, and the filters
// ranked by how differently they fire; above them, each image's prediction
// and its Grad-CAM for the predicted and the true class. It only displays
// and asks: the compare controller captures B on the worker and hands the
// comparison in.
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

class ComparePane : public QWidget {
  Q_OBJECT

 public:
  explicit ComparePane(QWidget* parent = nullptr);

  // The images B can be chosen from (names as shown in the image strip).
  void set_images(const QStringList& names);
  void set_image_b(int index);  // -1: none; without imageBChosen

  // Shows `comparison` of `layer`; `a_values` and `b_values` are the two
  // images' raw activations (kept here for the hover read-outs).
  void show_comparison(const std::string& layer, const QString& a_caption, const QString& b_caption,
                       FloatArray a_values, FloatArray b_values,
                       std::shared_ptr<const LayerComparison> comparison);
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
