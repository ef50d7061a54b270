// ComparePane: the browsed layer for image A (the current image) and image B
// side by side on one scale per filter, the difference A - B, and the filters
// ranked by how differently they fire. The main window captures B on the
// worker and hands the comparison in.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QWidget>

#include "core/compare.h"
#include "core/model.h"

class QComboBox;
class QLabel;
class QListWidget;

namespace actscope {

class GridView;

class ComparePane : public QWidget {
  Q_OBJECT

 public:
  explicit ComparePane(QWidget* parent = nullptr);

  // The images B can be chosen from (names as shown in the image strip).
  void set_images(const QStringList& names);
  int image_b() const;  // -1: none chosen
  void set_image_b(int index);

  // Shows `comparison` of `layer`; `a` and `b` are the two images' raw
  // activations of it (kept alive here for the hover read-outs).
  void show_comparison(const std::string& layer, const QString& a_caption, const QString& b_caption,
                       std::shared_ptr<const CaptureResult> a, const FloatArray& a_values,
                       std::shared_ptr<const CaptureResult> b, const FloatArray& b_values,
                       LayerComparison comparison);
  void clear(const QString& message);

  GridView* grid_a() const { return grid_a_; }
  GridView* grid_b() const { return grid_b_; }
  GridView* grid_difference() const { return grid_difference_; }

 Q_SIGNALS:
  void imageBChosen(int index);

 private:
  QComboBox* image_b_;
  QLabel* summary_;
  GridView* grid_a_;
  GridView* grid_b_;
  GridView* grid_difference_;
  QListWidget* ranking_;
  std::shared_ptr<const CaptureResult> keep_a_;
  std::shared_ptr<const CaptureResult> keep_b_;
  LayerComparison comparison_;
};

}  // namespace actscope
