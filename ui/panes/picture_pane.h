// PicturePane: one picture (or a message in its place) in a scroll area,
// shown at 1:1 or fitted to the pane (Fit / 1:1 buttons above it); the
// Weights and Enlarged filter tabs.
#pragma once

#include <QPixmap>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QScrollArea;
class QToolButton;

namespace actscope {

class PicturePane : public QWidget {
  Q_OBJECT

 public:
  // `label_name` is the picture label's objectName (the buttons are
  // `label_name` + "Fit" and + "Actual"); `message` is shown first.
  PicturePane(const QString& label_name, const QString& message, QWidget* parent = nullptr);

  // The picture, with `tooltip` on it.
  void show_picture(const QPixmap& picture, const QString& tooltip = QString());
  void show_message(const QString& message);
  // The picture's tooltip, as the mouse moves over it (a hovered value).
  void set_hover_text(const QString& text);

  // The room a picture has in the pane without scrolling.
  QSize picture_room() const;
  // The picture's own size (1:1), and the size it is shown at.
  QSize picture_size() const { return picture_.size(); }
  QSize shown_size() const;

  // Shows `side` (another feature's pane, which this one only hosts) at the
  // right of the picture; the pane takes ownership.
  void add_beside(QWidget* side);

  // Fit the picture to the pane (true) or show it at 1:1 (false).
  void set_fit(bool fit);
  bool fits() const;

 Q_SIGNALS:
  // The mouse over the picture, as fractions of its width and height in
  // [0, 1); (-1, -1) when it left the picture.
  void pointHovered(double fx, double fy);
  // A double-click on the picture, at fractions of its width and height.
  void pointDoubleClicked(double fx, double fy);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void draw();

  QScrollArea* area_;
  QHBoxLayout* body_;  // the picture and what is beside it
  QLabel* label_;
  QToolButton* fit_;
  QToolButton* actual_;
  QPixmap picture_;  // at 1:1
};

}  // namespace actscope
