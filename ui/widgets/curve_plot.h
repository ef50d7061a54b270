// CurvePlot: a few lines over x in [0, 1] (a faithfulness curve, say), drawn
// in the window's font so that every tick and name stays readable at any
// size: a title, both axes named, ticks at quarters, a legend of the lines'
// names in their colours. It only displays. GUI thread.
#pragma once

#include <vector>

#include <QColor>
#include <QString>
#include <QWidget>

namespace actscope {

class CurvePlot : public QWidget {
  Q_OBJECT

 public:
  struct Line {
    QString name;
    QColor colour;
    std::vector<double> xs;  // in [0, 1], as many as ys
    std::vector<double> ys;
    bool dashed = false;
  };

  explicit CurvePlot(QWidget* parent = nullptr);

  // Draws `lines` under `title`; the y range is [0, 1] when every value lies
  // in it, else the values' range.
  void set_lines(std::vector<Line> lines, const QString& title, const QString& x_axis, const QString& y_axis);
  // No lines: `message` in the middle instead.
  void clear(const QString& message);
  const std::vector<Line>& lines() const { return lines_; }
  const QString& title() const { return title_; }
  const QString& x_axis() const { return x_axis_; }
  const QString& y_axis() const { return y_axis_; }

  QSize minimumSizeHint() const override;
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void y_range(double& low, double& high) const;

  std::vector<Line> lines_;
  QString title_, x_axis_, y_axis_, message_;
};

}  // namespace actscope
