#include "ui/widgets/frozen_column.h"

#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>

namespace actscope {

FrozenColumn::FrozenColumn(QTableView* table) : QTableView(table), table_(table) {
  setObjectName(table->objectName() + QStringLiteral("Frozen"));
  setModel(table->model());
  setSelectionModel(table->selectionModel());
  setSelectionBehavior(table->selectionBehavior());
  setSelectionMode(table->selectionMode());
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setFocusPolicy(Qt::NoFocus);
  // Sorting is the table's: a click on this column's header sorts the table
  // (the other way round when it is already sorted by that column).
  horizontalHeader()->setSectionsClickable(table->isSortingEnabled());
  horizontalHeader()->setSortIndicatorShown(table->isSortingEnabled());
  connect(horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
    const QHeaderView* header = table_->horizontalHeader();
    const bool ascending = header->sortIndicatorSection() == section && header->sortIndicatorOrder() == Qt::AscendingOrder;
    table_->sortByColumn(section, ascending ? Qt::DescendingOrder : Qt::AscendingOrder);
  });
  verticalHeader()->hide();
  verticalHeader()->setDefaultSectionSize(table->verticalHeader()->defaultSectionSize());
  horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  horizontalHeader()->setFixedHeight(table->horizontalHeader()->height());
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setFrameShape(QFrame::NoFrame);
  setToolTip(table->toolTip());
  table->viewport()->stackUnder(this);
  hide_other_columns();
  connect(model(), &QAbstractItemModel::modelReset, this, &FrozenColumn::hide_other_columns);
  connect(model(), &QAbstractItemModel::columnsInserted, this, &FrozenColumn::hide_other_columns);
  // Widths, heights and scrolling follow the table (and the table follows
  // a wheel turned over this column).
  connect(table->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int section, int, int size) {
    if (section != 0) return;
    setColumnWidth(0, size);
    place();
  });
  connect(table->verticalHeader(), &QHeaderView::sectionResized, this,
          [this](int row, int, int size) { setRowHeight(row, size); });
  connect(verticalScrollBar(), &QScrollBar::valueChanged, table->verticalScrollBar(), &QScrollBar::setValue);
  connect(table->verticalScrollBar(), &QScrollBar::valueChanged, verticalScrollBar(), &QScrollBar::setValue);
  connect(table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
          [this](int section, Qt::SortOrder order) { horizontalHeader()->setSortIndicator(section, order); });
  table->installEventFilter(this);
  setColumnWidth(0, table->columnWidth(0));
  place();
  show();
}

void FrozenColumn::hide_other_columns() {
  for (int column = 1; column < model()->columnCount(); ++column) setColumnHidden(column, true);
  setColumnHidden(0, false);
}

bool FrozenColumn::eventFilter(QObject* watched, QEvent* event) {
  if (watched == table_ && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest)) place();
  return QTableView::eventFilter(watched, event);
}

// Over the table's first column, from the top of its header to the bottom of its viewport.
void FrozenColumn::place() {
  setGeometry(table_->verticalHeader()->width() + table_->frameWidth(), table_->frameWidth(),
              table_->columnWidth(0), table_->viewport()->height() + table_->horizontalHeader()->height());
  horizontalHeader()->setFixedHeight(table_->horizontalHeader()->height());
}

}  // namespace actscope
