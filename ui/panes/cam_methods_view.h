// CamMethodsView: the "All methods" window of the Grad-CAM pane: the map of
// every CAM method for the current image, class and layer side by side,
// with progress and Cancel while they are computed (Score-CAM last), and the
// sheet fitted to the window or at 1:1. It only displays and asks.
#pragma once

#include <QDialog>
#include <QImage>

#include "core/base/rgb_image.h"

class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;

namespace actscope {

class CamMethodsView : public QDialog {
  Q_OBJECT

 public:
  explicit CamMethodsView(QWidget* parent = nullptr);

  // Computing `what`: the progress bar and Cancel show.
  void show_running(const QString& what);
  void show_progress(size_t done, size_t total);
  // The sheet, and notes on methods that could not be computed.
  void show_sheet(const RgbImage& sheet, const QString& notes);
  void show_message(const QString& message);
  bool has_sheet() const { return !sheet_.isNull(); }
  QSize sheet_size() const { return sheet_.size(); }
  const QImage& sheet() const { return sheet_; }

 Q_SIGNALS:
  void cancelRequested();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void draw();

  QLabel* caption_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QCheckBox* actual_size_;
  QScrollArea* scroll_;
  QLabel* picture_;
  QImage sheet_;
};

}  // namespace actscope
