// Small layout helper shared by the panes: a widget in a scroll area.
#pragma once

#include <QScrollArea>
#include <QWidget>

namespace actscope {

// `widget` in a new scroll area, at its own size, from the top left.
inline QScrollArea* scrolled(QWidget* widget) {
  auto* area = new QScrollArea;
  area->setWidget(widget);
  area->setWidgetResizable(false);
  area->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  return area;
}

}  // namespace actscope
