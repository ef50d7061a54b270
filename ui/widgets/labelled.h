// Small layout helper shared by the panels.
#pragma once

#include <QHBoxLayout>
#include <QLabel>
#include <QWidget>

namespace actscope {

// `widget` with a label before it, in a row.
inline QWidget* labelled(const QString& text, QWidget* widget) {
  auto* box = new QWidget;
  auto* layout = new QHBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(text));
  layout->addWidget(widget, 1);
  return box;
}

}  // namespace actscope
