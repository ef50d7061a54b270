// ScatterView: a point is picked where it is drawn, and a legend of more
// classes than fit the view stops at its bottom with how many are left.
#include "ui/widgets/scatter_view.h"

#include <gtest/gtest.h>
#include <QImage>

namespace actscope {
namespace {

TEST(ScatterViewTest, APointIsPickedWhereItIsDrawn) {
  ScatterView view;
  view.resize(400, 300);
  view.set_points({0.0f, 0.0f, 10.0f, 5.0f, 3.0f, 9.0f}, {Qt::red, Qt::green, Qt::blue}, {false, false, true});
  view.fit();
  for (int i = 0; i < 3; ++i) {
    const QPointF at = view.point_position(i);
    EXPECT_TRUE(QRectF(view.rect()).contains(at)) << i;
    EXPECT_EQ(view.point_at(at + QPointF(2, -2)), i);
  }
  EXPECT_EQ(view.point_at(QPointF(-50, -50)), -1);
}

TEST(ScatterViewTest, ALegendOfMoreClassesThanFitStopsInsideTheView) {
  ScatterView view;
  view.resize(600, 300);
  std::vector<QString> names;
  std::vector<QColor> colours;
  for (int c = 0; c < 200; ++c) {
    names.push_back(QStringLiteral("class %1").arg(c));
    colours.push_back(QColor::fromHsv(c * 359 / 200, 200, 200));
  }
  view.set_legend(names, colours, QStringLiteral("misclassified"));
  view.set_points({0.0f, 0.0f, 1.0f, 1.0f}, {Qt::red, Qt::green}, {false, false});
  const QImage picture = view.grab().toImage();
  // No text in the legend's column on the view's last rows: the list stopped above them.
  int dark = 0;
  for (int y = picture.height() - 8; y < picture.height(); ++y) {
    for (int x = picture.width() - 150; x < picture.width(); ++x) dark += qGray(picture.pixel(x, y)) < 100;
  }
  EXPECT_EQ(dark, 0);
}

}  // namespace
}  // namespace actscope
