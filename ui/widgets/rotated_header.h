// RotatedHeader: a horizontal table header whose labels read bottom to top,
// so columns named with words (class names) stay as narrow as their cells.
#pragma once

#include <QHeaderView>

namespace actscope {

class RotatedHeader : public QHeaderView {
  Q_OBJECT

 public:
  explicit RotatedHeader(QWidget* parent = nullptr);

 protected:
  void paintSection(QPainter* painter, const QRect& rect, int section) const override;
  QSize sectionSizeFromContents(int section) const override;
};

}  // namespace actscope
