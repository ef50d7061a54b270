// CamPane: the Grad-CAM pane. The method and class choices, the input image,
// the heatmap over it and the masked image, the top-5 predictions (clicking
// one asks for its CAM), and Score-CAM's progress with a cancel button.
// It only displays: the main window runs the engine and hands results in.
#pragma once

#include <vector>

#include <QWidget>

#include "core/explain/cam.h"
#include "core/model/model.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace actscope {

class CamPane : public QWidget {
  Q_OBJECT

 public:
  explicit CamPane(QWidget* parent = nullptr);

  // A new model: its labels for the class choice; clears the pictures.
  void set_card(const ModelCard& card);
  // A new image: the input picture and its predictions.
  void set_image(const RgbImage& display, const std::vector<ClassScore>& top);

  CamMethod method() const;
  // The chosen target class; -1 means each image's predicted class.
  int target_class() const;
  void set_target_class(int class_index);

  // A request is running; `slow` methods (Score-CAM) show progress and Cancel.
  void show_running(bool slow);
  // From the GUI thread.
  void show_progress(size_t done, size_t total);
  void show_error(const QString& message);
  // The result for `display` (the image it was computed on).
  void show_result(const CamResult& result, const RgbImage& display);
  // The last heatmap overlay at the image's size (empty before any).
  const RgbImage& overlay() const { return overlay_; }

 Q_SIGNALS:
  // The method or the class changed: the CAM should be computed again.
  void requestChanged();
  void pinToggled(bool pinned);
  void cancelRequested();

 private:
  ModelCard card_;
  RgbImage overlay_;
  QComboBox* method_;
  QComboBox* class_;
  QCheckBox* pin_;
  QLabel* caption_;
  QLabel* input_;
  QLabel* heatmap_;
  QLabel* masked_;
  QListWidget* predictions_;
  QProgressBar* progress_;
  QPushButton* cancel_;
};

}  // namespace actscope
