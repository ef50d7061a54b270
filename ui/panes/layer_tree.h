// LayerTree: a model's capture points as its module hierarchy (name, kind,
// output shape), with a search box. Layers that cannot be captured are grey
// with the reason as tooltip.
#pragma once

#include <vector>

#include <QHash>
#include <QWidget>

#include "core/model/model.h"

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace actscope {

class LayerTree : public QWidget {
  Q_OBJECT

 public:
  explicit LayerTree(QWidget* parent = nullptr);

  // Shows `layers` (Model::layers(), forward order), filtered by the search text.
  void set_layers(const std::vector<LayerInfo>& layers);
  // Adds each layer's receptive field ("receptive field: 35x35 px, stride
  // 8") to its tooltip, by layer name.
  void set_field_texts(const QHash<QString, QString>& texts);
  // The tooltip of layer `name` ("" when there is no such layer).
  QString tooltip(const QString& name) const;
  // Marks `name` as the current layer without emitting layerChosen.
  void set_current(const QString& name);
  // Hides the layers whose name or kind does not contain `text` (their
  // parents stay to keep matches in place).
  void filter(const QString& text);

 Q_SIGNALS:
  // The user chose a layer (click, keys).
  void layerChosen(const QString& name);
  // Enter or double-click on a layer.
  void layerActivated(const QString& name);

 private:
  QLineEdit* search_;
  QTreeWidget* tree_;
  QHash<QString, QTreeWidgetItem*> items_;  // by layer name
};

}  // namespace actscope
