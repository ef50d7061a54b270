#include "ui/panes/layer_tree.h"

#include <functional>
#include <map>

#include <QHeaderView>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace actscope {
namespace {

constexpr int kLayerRole = Qt::UserRole;  // index into the layers, -1 for a container without output
constexpr int kNameRole = Qt::UserRole + 1;

// Layer `index` (`layer`) on `item`: its kind and shape, its name as tooltip,
// grey with the reason when it cannot be captured.
void describe(QTreeWidgetItem* item, const LayerInfo& layer, int index) {
  const QString name = QString::fromStdString(layer.name);
  item->setData(0, kLayerRole, index);
  item->setData(0, kNameRole, name);
  item->setText(1, QString::fromStdString(layer.kind));
  item->setText(2, QString::fromStdString(shape_string(layer.shape)));
  for (int column = 0; column < 3; ++column) item->setToolTip(column, name);
  if (layer.capturable) return;
  for (int column = 0; column < 3; ++column) {
    item->setForeground(column, QColor(140, 140, 140));
    item->setToolTip(
        column, LayerTree::tr("not capturable: %1").arg(QString::fromStdString(layer.not_capturable_reason)));
  }
}

}  // namespace

LayerTree::LayerTree(QWidget* parent) : QWidget(parent), search_(new QLineEdit), tree_(new QTreeWidget) {
  search_->setObjectName(QStringLiteral("layerSearch"));
  search_->setToolTip(tr("Type part of a layer's name or kind to find it"));
  search_->setPlaceholderText(tr("Search layers"));
  search_->setClearButtonEnabled(true);
  tree_->setObjectName(QStringLiteral("layerTree"));
  tree_->setHeaderLabels({tr("Layer"), tr("Kind"), tr("Output")});
  tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(search_);
  layout->addWidget(tree_, 1);
  connect(search_, &QLineEdit::textChanged, this, &LayerTree::filter);
  connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (item && item->data(0, kLayerRole).toInt() >= 0)
      Q_EMIT layerChosen(item->data(0, kNameRole).toString());
  });
  connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    if (item && item->data(0, kLayerRole).toInt() >= 0)
      Q_EMIT layerActivated(item->data(0, kNameRole).toString());
  });
}

void LayerTree::set_field_texts(const QHash<QString, QString>& texts) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    const auto text = texts.find(it.key());
    if (text == texts.end()) continue;
    QTreeWidgetItem* item = it.value();
    // The first line is the name (or why the layer cannot be captured).
    const QString first = item->toolTip(0).section('\n', 0, 0);
    for (int column = 0; column < 3; ++column) {
      item->setToolTip(column, first + '\n' + tr("receptive field: %1").arg(text.value()));
    }
  }
}

QString LayerTree::tooltip(const QString& name) const {
  const auto it = items_.find(name);
  return it == items_.end() ? QString() : it.value()->toolTip(0);
}

void LayerTree::set_layers(const std::vector<LayerInfo>& layers) {
  items_.clear();
  tree_->clear();
  std::map<std::string, QTreeWidgetItem*> by_path;
  // The item of a module path; a container appears before its own output
  // (its children complete first), so it is made on demand.
  std::function<QTreeWidgetItem*(const std::string&)> item_for = [&](const std::string& path) {
    if (auto it = by_path.find(path); it != by_path.end()) return it->second;
    const auto dot = path.rfind('.');
    const std::string parent = dot == std::string::npos ? "" : path.substr(0, dot);
    QTreeWidgetItem* item =
        parent.empty() ? new QTreeWidgetItem(tree_) : new QTreeWidgetItem(item_for(parent));
    item->setText(0, QString::fromStdString(dot == std::string::npos ? path : path.substr(dot + 1)));
    item->setData(0, kLayerRole, -1);
    by_path[path] = item;
    return item;
  };
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerInfo& layer = layers[i];
    QTreeWidgetItem* item = nullptr;
    if (layer.is_module && layer.name.find('#') == std::string::npos) {
      item = item_for(layer.name);
    } else {
      // Later calls ("shared#2") and ops (":relu") sit under their module.
      QTreeWidgetItem* parent = layer.parent.empty() ? nullptr : item_for(layer.parent);
      item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree_);
      const auto colon = layer.name.find(':');
      const std::string shown = colon != std::string::npos ? layer.name.substr(colon)
                                                           : layer.name.substr(layer.name.rfind('.') + 1);
      item->setText(0, QString::fromStdString(shown));
    }
    const QString name = QString::fromStdString(layer.name);
    describe(item, layer, static_cast<int>(i));
    items_.insert(name, item);
  }
  tree_->expandToDepth(0);
  filter(search_->text());  // the search box may still hold the user's text
}

void LayerTree::set_current(const QString& name) {
  QTreeWidgetItem* item = items_.value(name);
  if (!item || tree_->currentItem() == item) return;
  const QSignalBlocker block(tree_);
  tree_->setCurrentItem(item);
  tree_->scrollToItem(item);
}

void LayerTree::filter(const QString& text) {
  std::function<bool(QTreeWidgetItem*)> apply = [&](QTreeWidgetItem* item) {
    bool any_child = false;
    for (int i = 0; i < item->childCount(); ++i) any_child = apply(item->child(i)) || any_child;
    const bool matches = text.isEmpty() ||
                         item->data(0, kNameRole).toString().contains(text, Qt::CaseInsensitive) ||
                         item->text(0).contains(text, Qt::CaseInsensitive) ||
                         item->text(1).contains(text, Qt::CaseInsensitive);
    item->setHidden(!matches && !any_child);
    if (!text.isEmpty() && any_child) item->setExpanded(true);
    return matches || any_child;
  };
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) apply(tree_->topLevelItem(i));
}

}  // namespace actscope
