// CamMethodsView: the "All methods" window of the Grad-CAM pane: the map of
// every CAM method for the current image, class and layer, with progress and
// Cancel while they are computed (Score-CAM last). Fitted (the default), the
// pictures are laid out as large as the window allows, each under its name
// in the window's font, below one colour bar that says what the colours
// mean; 1:1 shows the sheet as exported. Below the maps, the faithfulness
// of each method (FaithfulnessPane). It only displays and asks.
#pragma once

#include <vector>

#include <QDialog>
#include <QImage>
#include <QList>

#include "core/explain/cam_figure.h"

class QCheckBox;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;

namespace actscope {

class ColorBar;
class FaithfulnessPane;

class CamMethodsView : public QDialog {
  Q_OBJECT

 public:
  explicit CamMethodsView(QWidget* parent = nullptr);

  // Computing `what`: the progress bar and Cancel show.
  void show_running(const QString& what);
  void show_progress(size_t done, size_t total);
  // The methods' pictures, and notes on methods that could not be computed.
  void show_sheet(const MethodSheet& sheet, const QString& notes);
  void show_message(const QString& message);
  bool has_sheet() const { return !sheet_.isNull(); }
  QSize sheet_size() const { return sheet_.size(); }
  // The sheet as exported (`actscope-cli cam --method all`).
  const QImage& sheet() const { return sheet_; }
  // The fitted pictures' captions (for tests): "input", then each method's name.
  QList<QLabel*> captions() const { return captions_; }
  QList<QLabel*> pictures() const { return pictures_; }
  // The metrics' table and curve under the maps.
  FaithfulnessPane* faithfulness() const { return faithfulness_; }

 Q_SIGNALS:
  void cancelRequested();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void clear_pictures();
  void draw();

  QLabel* caption_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QCheckBox* actual_size_;
  ColorBar* scale_;
  QScrollArea* scroll_;
  QLabel* picture_;      // the sheet at 1:1
  QWidget* cells_;       // the fitted pictures under their names
  QGridLayout* cells_layout_;
  FaithfulnessPane* faithfulness_;
  QImage sheet_;
  std::vector<QImage> images_;
  QList<QLabel*> captions_;
  QList<QLabel*> pictures_;
};

}  // namespace actscope
