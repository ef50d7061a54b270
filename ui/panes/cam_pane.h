// CamPane: the Grad-CAM pane. The method and class choices, the input image,
// the heatmap over it and the masked image, the top-5 predictions (clicking
// one asks for its CAM), and Score-CAM's progress with a cancel button.
// It only displays and asks: the CAM controller runs the engine and hands
// results in.
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
class QSlider;

namespace actscope {

class ColorBar;
class PicturePane;

class CamPane : public QWidget {
  Q_OBJECT

 public:
  explicit CamPane(QWidget* parent = nullptr);

  // A new model: its labels for the class choice; clears the pictures.
  void set_card(const ModelCard& card);
  // A new image: the input picture and its predictions.
  void set_image(const RgbImage& display, const std::vector<ClassScore>& top);
  // The whole photo the current image's input was cut from (a card's resize
  // and centre crop) and where: the pictures show the crop in it. Empty: none.
  void set_context(const RgbImage& context, int crop_x, int crop_y);

  // Chooses the target class (-1: each image's predicted class) and emits requestChanged.
  void set_target_class(int class_index);
  // True when the user pinned the chosen class: it then stays for the next images.
  bool class_pinned() const;
  // A new image whose class is not pinned: back to "predicted class", silently.
  void follow_predicted_class();

  // A request is running; `slow` methods (Score-CAM) show progress and Cancel.
  void show_running(bool slow);
  // From the GUI thread.
  void show_progress(size_t done, size_t total);
  void show_error(const QString& message);
  // The result for `display` (the image it was computed on).
  void show_result(const CamResult& result, const RgbImage& display);
  // The image's weight in the overlay (the opacity slider: 1 - heatmap opacity).
  float image_weight() const;

  // The receptive field of the unit under the mouse, drawn as a box on the
  // input picture: `box` in the input image's pixels (empty: no box, the
  // unit sees no pixel or its field is not known), `note` says whose field.
  void show_field(const QRect& box, const QString& note);
  // The unit's effective field ([height, width] on [0, 1] over the input,
  // `raw_max` its largest |gradient|) as a heatmap on the input picture,
  // with the box and its own colour bar.
  void show_effective_field(const std::vector<float>& map, int height, int width, double raw_max,
                            const QRect& box, const QString& note);
  // No field: the plain input picture.
  void clear_field();
  // "Effective field" is ticked: hovering computes the input gradient.
  bool effective_field_on() const;
  // The box drawn on the input picture, in the input image's pixels (empty: none).
  QRect field_box() const { return field_box_; }
  // The input picture as drawn (with the effective field over it when one
  // is shown), before it is scaled to the label.
  const RgbImage& input_picture() const { return full_[0]; }

  // Input (0), heatmap (1) or masked (2) at full size in a window of its own,
  // fitted to it or at 1:1 (what a double-click on the picture does).
  void show_large(int which);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 Q_SIGNALS:
  // The method or the class changed (`target_class` -1: the predicted
  // class): the CAM should be computed again.
  void requestChanged(CamMethod method, int target_class);
  void pinToggled(bool pinned);
  void cancelRequested();
  // "All methods...": every method's map for the current image, class and layer.
  void allMethodsRequested();
  void effectiveFieldToggled(bool on);

 private:
  void name_widgets();
  void build_layout();
  CamMethod method() const;
  void draw_result();
  void draw_input(const RgbImage& picture);
  int target_class() const;
  void emit_request();

  ModelCard card_;
  QComboBox* method_;
  QComboBox* class_;
  QCheckBox* pin_;
  QCheckBox* pin_class_;
  QLabel* caption_;
  QLabel* input_;
  QLabel* heatmap_;
  ColorBar* scale_;
  QSlider* opacity_;
  CamResult result_;  // the last result shown, drawn again when the opacity changes
  RgbImage display_;
  bool has_result_ = false;
  QLabel* masked_;
  QCheckBox* show_masked_;
  QListWidget* predictions_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QPushButton* all_methods_;
  QCheckBox* effective_;
  QLabel* field_note_;
  ColorBar* field_scale_;
  RgbImage input_display_;  // the current image, under the field box
  RgbImage context_;        // the photo it was cut from, or empty
  int crop_x_ = 0;
  int crop_y_ = 0;
  RgbImage full_[3];        // input, heatmap and masked as drawn, before scaling down
  PicturePane* viewer_ = nullptr;
  QRect field_box_;
};

}  // namespace actscope
