// ColorBar: the scale beside a grid or heatmap: the colormap's gradient with
// the values at its ends and round values between them (core's ticks and
// number format, so the screen and the exported PNG read the same), and a
// title saying what the numbers are. Empty until a scale is set.
#pragma once

#include <optional>

#include <QStringList>
#include <QWidget>

#include "core/maps/colorbar.h"

namespace actscope {

class ColorBar : public QWidget {
  Q_OBJECT

 public:
  explicit ColorBar(QWidget* parent = nullptr);

  void set_scale(const ColorScale& scale);
  // Shows nothing (no picture, no scale).
  void clear();

  bool has_scale() const { return scale_.has_value(); }
  // The numbers drawn, left to right ("" list when empty), and the title.
  QStringList numbers() const;
  QString title() const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::optional<ColorScale> scale_;
};

}  // namespace actscope
