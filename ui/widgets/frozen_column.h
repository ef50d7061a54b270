// FrozenColumn: a table's first column kept in place over it while the rest
// scrolls sideways (a table too wide for its pane keeps saying which row is
// which). A second view of the same model and selection, showing only that
// column, laid over the table's left edge; rows, scrolling, widths and
// sorting stay in step with the table.
#pragma once

#include <QTableView>

namespace actscope {

class FrozenColumn : public QTableView {
  Q_OBJECT

 public:
  // Becomes a child of `table`, over its first column. Call once the
  // table's model and selection model are set.
  explicit FrozenColumn(QTableView* table);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void hide_other_columns();
  void place();

  QTableView* table_;
};

}  // namespace actscope
