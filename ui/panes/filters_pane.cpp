#include "ui/panes/filters_pane.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/widgets/frozen_column.h"
#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

// A cell that sorts by its number, not by its text.
class NumberItem : public QTableWidgetItem {
 public:
  NumberItem(double value, const QString& text) : QTableWidgetItem(text) {
    setData(Qt::UserRole, value);
    setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
  }
};

QString label_of(const std::vector<std::string>& labels, int index) {
  if (index < 0) return QStringLiteral("-");
  if (index < static_cast<int>(labels.size())) return QString::fromStdString(labels[static_cast<size_t>(index)]);
  return QStringLiteral("class %1").arg(index);
}

QString flags_text(const LayerFlags& flags, int filter) {
  QStringList words;
  auto has = [filter](const std::vector<int>& list) { return std::find(list.begin(), list.end(), filter) != list.end(); };
  if (has(flags.dead)) words << QStringLiteral("dead");
  if (has(flags.rarely_active)) words << QStringLiteral("rarely active");
  if (has(flags.always_on)) words << QStringLiteral("always on");
  if (has(flags.saturated)) words << QStringLiteral("saturated");
  return words.join(QStringLiteral(", "));
}

}  // namespace

FiltersPane::FiltersPane(QWidget* parent)
    : QWidget(parent),
      about_(new QLabel(tr("No filter atlas yet: scan a dataset, or open an atlas written by actscope-cli scan."))),
      scan_(new QPushButton(tr("Scan Dataset..."))),
      open_(new QPushButton(tr("Open Atlas..."))),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      table_(new QTableWidget(0, kColumns)),
      tabs_(new QTabWidget),
      buttons_(new QHBoxLayout),
      top_layout_(new QVBoxLayout),
      top_title_(new QLabel(tr("Top images: select a filter"))),
      top_(new QListWidget) {
  setObjectName(QStringLiteral("filtersPane"));
  about_->setObjectName(QStringLiteral("atlasAbout"));
  about_->setWordWrap(true);
  scan_->setObjectName(QStringLiteral("atlasScan"));
  scan_->setToolTip(tr("Run a dataset through the model and keep every filter's statistics (runs beside browsing)"));
  open_->setObjectName(QStringLiteral("atlasOpen"));
  open_->setToolTip(tr("Open an atlas.json written by actscope-cli scan or merge"));
  progress_->setObjectName(QStringLiteral("atlasProgress"));
  cancel_->setObjectName(QStringLiteral("atlasCancel"));
  cancel_->setToolTip(tr("Stop the scan"));
  progress_->hide();
  cancel_->hide();
  table_->setObjectName(QStringLiteral("atlasTable"));
  table_->setHorizontalHeaderLabels({tr("Filter"), tr("Dead %"), tr("Active %"), tr("Mean"), tr("Max"),
                                     tr("Preferred class"), tr("Selectivity"), tr("Flags")});
  table_->setToolTip(tr("Dead %: images where the filter never exceeds 0. Active %: mean share of positions above 0. "
                        "Click a column to sort."));
  table_->setSortingEnabled(true);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  table_->horizontalHeader()->setStretchLastSection(true);
  new FrozenColumn(table_);  // the filter numbers stay in sight while the table scrolls sideways
  top_->setObjectName(QStringLiteral("atlasTop"));
  top_->setToolTip(tr("The images whose map for this filter peaks highest, each cut to the receptive field of "
                      "the unit where it peaks (a small field boxed in yellow on the whole image); click one to "
                      "open it with that unit shown"));
  top_->setViewMode(QListView::IconMode);
  top_->setIconSize(QSize(72, 72));
  top_->setGridSize(QSize(104, 128));
  top_->setResizeMode(QListView::Adjust);
  top_->setMovement(QListView::Static);
  top_->setWordWrap(true);
  build_layout();
  connect(scan_, &QPushButton::clicked, this, &FiltersPane::scanRequested);
  connect(open_, &QPushButton::clicked, this, &FiltersPane::openRequested);
  connect(cancel_, &QPushButton::clicked, this, &FiltersPane::cancelRequested);
  connect(table_, &QTableWidget::currentCellChanged, this,
          [this](int row) { show_top(filter_at_row(row)); });
  connect(top_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    const int rank = top_->row(item);
    const auto& top = layer_.filters[static_cast<size_t>(shown_filter_)].top;
    if (shown_filter_ >= 0 && rank >= 0 && rank < static_cast<int>(top.size()))
      Q_EMIT topImageChosen(shown_filter_, top[static_cast<size_t>(rank)]);
  });
}

void FiltersPane::build_layout() {
  buttons_->addWidget(scan_);
  buttons_->addWidget(open_);
  buttons_->addWidget(progress_, 1);
  buttons_->addWidget(cancel_);
  buttons_->addStretch(0);
  auto* top_box = new QWidget;
  top_box->setLayout(top_layout_);
  top_layout_->setContentsMargins(0, 0, 0, 0);
  top_layout_->addWidget(top_title_);
  top_layout_->addWidget(top_, 1);
  tabs_->setObjectName(QStringLiteral("filtersTabs"));
  tabs_->setDocumentMode(true);
  tabs_->addTab(table_, tr("Statistics"));
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(tabs_);
  split->addWidget(top_box);
  // The top list wide enough for three crops a row (a 3x3 block).
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  split->setSizes({420, 350});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons_);
  layout->addWidget(about_);
  layout->addWidget(split, 1);
}

void FiltersPane::add_page(QWidget* page, const QString& title) { tabs_->addTab(page, title); }

void FiltersPane::add_panel_above_top(QWidget* panel) { top_layout_->insertWidget(0, panel); }

void FiltersPane::add_button(QAction* action) {
  auto* button = new QToolButton;
  button->setDefaultAction(action);
  button->setObjectName(action->objectName() + QStringLiteral("Button"));
  button->setToolButtonStyle(Qt::ToolButtonTextOnly);
  buttons_->insertWidget(2, button);  // after Scan and Open
}

void FiltersPane::show_layer(const LayerStats& layer, const std::vector<std::string>& labels, const QString& about) {
  // The same layer again (a new image was captured): the user's filter and
  // sort stay (it jumped back to filter 0 after a top image was opened).
  const bool again = layer_.name == layer.name && table_->rowCount() == static_cast<int>(layer.filters.size());
  const int kept_filter = again && table_->currentRow() >= 0 ? filter_at_row(table_->currentRow()) : -1;
  const int sort_column = again ? table_->horizontalHeader()->sortIndicatorSection() : kFilter;
  const Qt::SortOrder sort_order = again ? table_->horizontalHeader()->sortIndicatorOrder() : Qt::AscendingOrder;
  layer_ = layer;
  labels_ = labels;
  about_->setText(about);
  const LayerFlags flags = flags_of(layer);
  table_->setSortingEnabled(false);
  table_->clearContents();
  table_->setRowCount(static_cast<int>(layer.filters.size()));
  for (int c = 0; c < table_->rowCount(); ++c) {
    const FilterSummary summary = summarize(layer, c);
    const float max = layer.filters[static_cast<size_t>(c)].max;
    table_->setItem(c, kFilter, new NumberItem(c, QString::number(c)));
    table_->setItem(c, kDead, new NumberItem(summary.dead_fraction, QString::number(summary.dead_fraction * 100, 'f', 1)));
    table_->setItem(c, kActive, new NumberItem(summary.active_fraction, QString::number(summary.active_fraction * 100, 'f', 1)));
    table_->setItem(c, kMean, new NumberItem(summary.mean, QString::number(summary.mean, 'g', 3)));
    table_->setItem(c, kMax, new NumberItem(max, QString::number(max, 'g', 3)));
    table_->setItem(c, kPreferred, new QTableWidgetItem(label_of(labels, summary.preferred_class)));
    table_->setItem(c, kSelectivity, new NumberItem(summary.selectivity, QString::number(summary.selectivity, 'f', 2)));
    table_->setItem(c, kFlags, new QTableWidgetItem(flags_text(flags, c)));
  }
  table_->setSortingEnabled(true);
  table_->sortItems(sort_column, sort_order);
  table_->resizeColumnsToContents();
  if (kept_filter >= 0) {
    select_filter(kept_filter);
    return;
  }
  top_->clear();
  top_title_->setText(tr("Top images: select a filter"));
  if (table_->rowCount() > 0) table_->setCurrentCell(0, kFilter);
}

void FiltersPane::show_message(const QString& message) {
  about_->setText(message);
  progress_->hide();
  cancel_->hide();
  scan_->setEnabled(true);
  table_->clearContents();
  table_->setRowCount(0);
  top_->clear();
  top_title_->setText(tr("Top images: select a filter"));
}

void FiltersPane::show_running(const QString& what) {
  about_->setText(what);
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
  scan_->setEnabled(false);
}

void FiltersPane::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  if (done >= total) {
    progress_->hide();
    cancel_->hide();
    scan_->setEnabled(true);
  }
}

int FiltersPane::filter_at_row(int row) const {
  const QTableWidgetItem* item = row >= 0 ? table_->item(row, kFilter) : nullptr;
  return item ? item->data(Qt::UserRole).toInt() : -1;
}

void FiltersPane::select_filter(int filter) {
  for (int row = 0; row < table_->rowCount(); ++row) {
    if (filter_at_row(row) == filter) table_->setCurrentCell(row, kFilter);
  }
}

void FiltersPane::show_top(int filter) {
  top_->clear();
  shown_filter_ = -1;
  if (filter < 0 || filter >= static_cast<int>(layer_.filters.size())) return;
  shown_filter_ = filter;
  top_title_->setText(tr("Top images of %1 filter %2").arg(QString::fromStdString(layer_.name)).arg(filter));
  for (const TopUnit& unit : layer_.filters[static_cast<size_t>(filter)].top) {
    auto* item = new QListWidgetItem(tr("%1\n%2 at (%3, %4)")
                                         .arg(QString::fromStdString(unit.name))
                                         .arg(static_cast<double>(unit.value), 0, 'g', 4)
                                         .arg(unit.y)
                                         .arg(unit.x),
                                     top_);
    item->setToolTip(tr("%1: the map of filter %2 peaks at %3 in row %4, column %5")
                         .arg(QString::fromStdString(unit.name))
                         .arg(filter)
                         .arg(static_cast<double>(unit.value), 0, 'g', 4)
                         .arg(unit.y)
                         .arg(unit.x));
  }
  Q_EMIT cropsWanted(filter);
}

void FiltersPane::show_crops(int filter, const std::vector<RgbImage>& crops) {
  if (filter != shown_filter_) return;
  for (int i = 0; i < top_->count() && i < static_cast<int>(crops.size()); ++i) {
    top_->item(i)->setIcon(QIcon(scaled_pixmap(crops[static_cast<size_t>(i)], 72, Qt::FastTransformation)));
  }
}

}  // namespace actscope
