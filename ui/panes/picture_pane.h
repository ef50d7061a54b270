// PicturePane: one picture (or a message in its place) in a scroll area; the
// Weights and Enlarged filter tabs.
#pragma once

#include <QPixmap>
#include <QScrollArea>

class QLabel;

namespace actscope {

class PicturePane : public QScrollArea {
  Q_OBJECT

 public:
  // `label_name` is the picture label's objectName; `message` is shown first.
  PicturePane(const QString& label_name, const QString& message, QWidget* parent = nullptr);

  // The picture, with `tooltip` on it.
  void show_picture(const QPixmap& picture, const QString& tooltip = QString());
  void show_message(const QString& message);

 Q_SIGNALS:
  // The mouse over the picture, as fractions of its width and height in
  // [0, 1); (-1, -1) when it left the picture.
  void pointHovered(double fx, double fy);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QLabel* label_;
};

}  // namespace actscope
