#include "ui/widgets/color_bar.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <QLinearGradient>
#include <QPainter>

namespace actscope {
namespace {

constexpr int kMargin = 6;
constexpr int kBarHeight = 10;

QColor color_at(Colormap colormap, double t) {
  const auto rgb = colormap_rgb(colormap, static_cast<uint8_t>(std::lround(std::clamp(t, 0.0, 1.0) * 255.0)));
  return QColor(rgb[0], rgb[1], rgb[2]);
}

}  // namespace

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("colorBar"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ColorBar::set_scale(const ColorScale& scale) {
  scale_ = scale;
  setToolTip(tr("%1: from %2 to %3")
                 .arg(title(), QString::fromStdString(format_scale_value(scale.low)),
                      QString::fromStdString(format_scale_value(scale.high))));
  update();
}

void ColorBar::clear() {
  scale_.reset();
  setToolTip(QString());
  update();
}

QStringList ColorBar::numbers() const {
  QStringList numbers;
  if (!scale_) return numbers;
  for (double value : scale_ticks(scale_->low, scale_->high)) {
    numbers << QString::fromStdString(format_scale_value(value));
  }
  return numbers;
}

QString ColorBar::title() const { return scale_ ? QString::fromStdString(scale_->title) : QString(); }

QSize ColorBar::sizeHint() const { return {240, minimumSizeHint().height()}; }

QSize ColorBar::minimumSizeHint() const {
  // Title line, bar, tick marks, numbers.
  return {120, 2 * fontMetrics().height() + kBarHeight + 8};
}

void ColorBar::paintEvent(QPaintEvent*) {
  if (!scale_) return;
  QPainter painter(this);
  const QFontMetrics metrics = fontMetrics();
  const int bar_top = metrics.height() + 2;
  const QRect bar(kMargin, bar_top, width() - 2 * kMargin, kBarHeight);
  QLinearGradient gradient(bar.topLeft(), bar.topRight());
  for (int stop = 0; stop <= 16; ++stop) gradient.setColorAt(stop / 16.0, color_at(scale_->colormap, stop / 16.0));
  painter.fillRect(bar, gradient);
  painter.setPen(palette().color(QPalette::WindowText));
  painter.drawText(QRect(kMargin, 0, width() - 2 * kMargin, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   metrics.elidedText(title(), Qt::ElideRight, width() - 2 * kMargin));
  const double range = scale_->high - scale_->low;
  struct Tick {
    int x, left, width;
    QString text;
  };
  std::vector<Tick> ticks;  // a number that would overlap the one before is left out; the ends always show
  const QStringList texts = numbers();
  const std::vector<double> values = scale_ticks(scale_->low, scale_->high);
  for (size_t i = 0; i < values.size(); ++i) {
    const double t = range > 0 ? (values[i] - scale_->low) / range : 0.0;
    const int x = bar.left() + static_cast<int>(std::lround(t * (bar.width() - 1)));
    const int w = metrics.horizontalAdvance(texts[static_cast<int>(i)]);
    const Tick tick{x, std::clamp(x - w / 2, 0, std::max(0, width() - w)), w, texts[static_cast<int>(i)]};
    const bool last = i + 1 == values.size();
    while (last && ticks.size() > 1 && tick.left < ticks.back().left + ticks.back().width + 6) ticks.pop_back();
    if (!ticks.empty() && tick.left < ticks.back().left + ticks.back().width + 6 && !last) continue;
    ticks.push_back(tick);
  }
  for (const Tick& tick : ticks) {
    painter.drawLine(tick.x, bar.bottom() + 1, tick.x, bar.bottom() + 4);
    painter.drawText(tick.left, bar.bottom() + 5 + metrics.ascent(), tick.text);
  }
}

}  // namespace actscope
