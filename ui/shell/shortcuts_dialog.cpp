#include "ui/shell/shortcuts_dialog.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QList>
#include <QPair>
#include <QTableWidget>
#include <QVBoxLayout>

namespace actscope {

void show_shortcuts_dialog(QWidget* parent) {
  auto* dialog = new QDialog(parent);
  dialog->setObjectName(QStringLiteral("shortcutsDialog"));
  dialog->setWindowTitle(QDialog::tr("Shortcuts"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  const QList<QPair<QString, QString>> rows = {
      {QDialog::tr("PgUp / PgDn"), QDialog::tr("previous / next layer")},
      {QDialog::tr("Arrow keys"), QDialog::tr("move the selected filter")},
      {QDialog::tr("Enter, double-click"), QDialog::tr("enlarge the selected filter over the image")},
      {QDialog::tr("Esc"), QDialog::tr("back to the grid")},
      {QDialog::tr("Ctrl+wheel, Ctrl+plus/minus"), QDialog::tr("zoom the grid (Compare: the three grids together)")},
      {QDialog::tr("Ctrl+0"), QDialog::tr("fit the grid: every filter in sight")},
      {QDialog::tr("Ctrl+Alt+0"), QDialog::tr("the grid at 1:1")},
      {QDialog::tr("Ctrl+Tab"), QDialog::tr("next image")},
      {QDialog::tr("Ctrl+1 .. Ctrl+7"),
       QDialog::tr("the Browse, Compare, Dataset, Filters, Embedding, Models, Timeline view")},
      {QDialog::tr("Ctrl+E"), QDialog::tr("export the current grid")},
      {QDialog::tr("Ctrl+O"), QDialog::tr("open a model")},
      {QDialog::tr("Click a prediction"), QDialog::tr("Grad-CAM for that class")}};
  auto* table = new QTableWidget(rows.size(), 2, dialog);
  table->setHorizontalHeaderLabels({QDialog::tr("Keys"), QDialog::tr("Action")});
  table->verticalHeader()->hide();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  for (int row = 0; row < rows.size(); ++row) {
    table->setItem(row, 0, new QTableWidgetItem(rows[row].first));
    table->setItem(row, 1, new QTableWidgetItem(rows[row].second));
  }
  table->resizeColumnsToContents();
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
  QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
  auto* layout = new QVBoxLayout(dialog);
  layout->addWidget(table);
  layout->addWidget(buttons);
  dialog->resize(520, 360);
  dialog->open();
}

}  // namespace actscope
