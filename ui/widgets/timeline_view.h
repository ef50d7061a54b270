// TimelineView: a training run's picture (core/similarity/timeline_plot.h:
// accuracy, dead filters and CKA to the last checkpoint over the
// checkpoints) shown whole: at 1:1 when it fits, else scaled down keeping
// its proportions. It asks for a new picture at its own width when it is
// resized (pictureWidthWanted), so the text stays at its drawn size. A
// checkpoint under the mouse gets a pointing hand and its name as tooltip;
// a click or a double-click on it reports it; one checkpoint can be marked
// (a band across the panels: the model that is open). It only draws and
// tells.
#pragma once

#include <QImage>
#include <QString>
#include <QTimer>
#include <QWidget>

#include "core/similarity/timeline_plot.h"

namespace actscope {

class TimelineView : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineView(QWidget* parent = nullptr);

  // The picture and the checkpoints' names (in its order, for the tooltip).
  void set_picture(TimelinePicture picture, QStringList names);
  // No picture: `message` in its place.
  void clear(const QString& message);
  bool has_picture() const { return !image_.isNull(); }
  const TimelinePicture& picture() const { return picture_; }
  // The picture's width it would be drawn at to show 1:1 here (at least 900).
  int wanted_width() const;
  // Marks checkpoint `index` (-1: none).
  void set_marked(int index);
  int marked() const { return marked_; }

  // The checkpoint at a widget position, or -1.
  int checkpoint_at_position(const QPoint& position) const;
  // Where checkpoint `index`'s point sits in the first panel, in widget
  // coordinates ((-1, -1) when there is none).
  QPoint checkpoint_position(int index) const;
  // The rectangle the picture is drawn in.
  QRect picture_rect() const;

 Q_SIGNALS:
  void checkpointClicked(int index);
  void checkpointDoubleClicked(int index);
  // The view's width changed: a picture `width` wide would show 1:1.
  void pictureWidthWanted(int width);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  QSize sizeHint() const override;

 private:
  // A widget position in the picture's pixels.
  QPoint to_picture(const QPoint& position) const;

  TimelinePicture picture_;
  QImage image_;
  QStringList names_;
  QString message_;
  int marked_ = -1;
  QTimer resized_;  // one picture per resize gesture, not one per pixel
};

}  // namespace actscope
