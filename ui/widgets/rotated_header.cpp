#include "ui/widgets/rotated_header.h"

#include <QPainter>

namespace actscope {

RotatedHeader::RotatedHeader(QWidget* parent) : QHeaderView(Qt::Horizontal, parent) {
  setSectionsClickable(true);
  setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

// The section's frame as the style draws it, then its label turned a
// quarter to the left, starting at the bottom.
void RotatedHeader::paintSection(QPainter* painter, const QRect& rect, int section) const {
  if (!rect.isValid()) return;
  QStyleOptionHeader option;
  initStyleOption(&option);
  option.rect = rect;
  option.section = section;
  option.text.clear();
  painter->save();  // the style may leave its own clip behind
  style()->drawControl(QStyle::CE_Header, &option, painter, this);
  painter->restore();
  const QString text = model()->headerData(section, orientation(), Qt::DisplayRole).toString();
  painter->save();
  painter->translate(rect.left(), rect.bottom());
  painter->rotate(-90);
  const QRect turned(4, 0, rect.height() - 8, rect.width());
  painter->setPen(palette().color(QPalette::ButtonText));
  painter->drawText(turned, Qt::AlignLeft | Qt::AlignVCenter,
                    fontMetrics().elidedText(text, Qt::ElideRight, turned.width()));
  painter->restore();
}

QSize RotatedHeader::sectionSizeFromContents(int section) const {
  const QString text = model()->headerData(section, orientation(), Qt::DisplayRole).toString();
  const QFontMetrics metrics = fontMetrics();
  return {metrics.height() + 8, metrics.horizontalAdvance(text) + 12};
}

}  // namespace actscope
