// VisualizationPane: "What it responds to most" for one filter: the image
// synthesized for it (feature visualization) beside its top image of a
// scanned dataset, each enlarged by whole pixels (nearest neighbour) and
// labelled with the objective's value on it, and a run's progress with
// Cancel. These are images, not normalized maps: no colour scale. Shown in
// the Filters view and beside the Enlarged filter; it only shows and asks.
#pragma once

#include <cstdint>

#include <QPixmap>
#include <QWidget>

#include "core/base/rgb_image.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace actscope {

class VisualizationPane : public QWidget {
  Q_OBJECT

 public:
  // Pictures are enlarged by whole pixels to about this many pixels a side.
  static constexpr int kPictureSide = 144;

  // `name` prefixes the children's object names (name + "Synthesized",
  // "SynthesizedCaption", "TopImage", "TopCaption", "Progress", "Cancel",
  // "Title"); `pictures`: the two pictures side by side (Qt::Horizontal) or
  // one above the other (Qt::Vertical, for a narrow place).
  VisualizationPane(const QString& name, Qt::Orientation pictures, QWidget* parent = nullptr);

  void set_title(const QString& title);
  // No synthesized image: `message` in its place (and no top image).
  void show_message(const QString& message);
  // A run is going: progress (steps done of total) and Cancel.
  void show_running(const QString& message);
  void show_progress(int64_t done, int64_t total);
  // The synthesized image with its caption (the objective's value).
  void show_synthesized(const RgbImage& image, const QString& caption);
  // The top dataset image with its caption, or only a caption saying why none.
  void show_top_image(const RgbImage& image, const QString& caption);
  void clear_top_image(const QString& caption);

  // What is shown (for tests and exports): the synthesized image at 1:1,
  // empty when none.
  const RgbImage& synthesized() const { return synthesized_; }

 Q_SIGNALS:
  void cancelRequested();

 private:
  void stop_running();

  QLabel* title_;
  QLabel* synthesized_label_;
  QLabel* synthesized_caption_;
  QLabel* top_label_;
  QLabel* top_caption_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  RgbImage synthesized_;
};

// `image` enlarged by the largest whole factor that keeps it within `side`
// (nearest neighbour: pixels stay squares), or shrunk to fit `side` when larger.
QPixmap enlarged_pixmap(const RgbImage& image, int side);

}  // namespace actscope
