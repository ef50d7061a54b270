#include "ui/panes/faithfulness_pane.h"

#include <algorithm>
#include <cmath>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/widgets/curve_plot.h"

namespace actscope {
namespace {

QColor colour_of(const std::vector<FaithfulnessSeries>& series, size_t row) {
  const auto rgb = method_colour(series[row].method, row, series.size());
  return QColor(rgb[0], rgb[1], rgb[2]);
}

QString method_title(const std::string& method) {
  return method == kRandomMethod ? FaithfulnessPane::tr("random (baseline)") : QString::fromStdString(method);
}

// The cells holding the best value of their column as the table prints it
// (rows that print alike all are; none when every row does): core's is_best,
// which draws faithfulness.png's marks.
std::vector<std::vector<bool>> best_cells(const std::vector<FaithfulnessSeries>& series) {
  const size_t metrics = faithfulness_metrics().size();
  std::vector<std::vector<bool>> best(series.size(), std::vector<bool>(metrics, false));
  for (size_t s = 0; s < series.size(); ++s) {
    for (size_t m = 0; m < metrics; ++m) best[s][m] = is_best(series, s, m);
  }
  return best;
}

}  // namespace

QString FaithfulnessPane::metric_title(size_t metric) {
  static const char* const names[] = {
      QT_TR_NOOP("Deletion\nAUC"),           QT_TR_NOOP("Insertion\nAUC"), QT_TR_NOOP("Drop in\nconfidence"),
      QT_TR_NOOP("Increase in\nconfidence"), QT_TR_NOOP("ROAD\nMoRF"),     QT_TR_NOOP("ROAD\nLeRF"),
      QT_TR_NOOP("ROAD\ncombined")};
  const QString name =
      metric < std::size(names) ? tr(names[metric]) : QString::fromStdString(faithfulness_metrics()[metric]);
  return name + QLatin1Char('\n') + (higher_is_better(metric) ? tr("↑ better") : tr("↓ better"));
}

// The table's rows, the controls above, the caption and the note below: the
// height the pane asks for, so that the maps above it get the rest.
QSize FaithfulnessPane::sizeHint() const {
  const int line = fontMetrics().lineSpacing();
  return {900, 30 + (line + 6) + (3 * line + 8) + 10 * (line + 3) + 18 + 3 * line + 24};
}

QString FaithfulnessPane::cell_text(double mean, const std::vector<double>& spreads, size_t metric,
                                    bool best) {
  QString text = QString::number(mean, 'f', 3);
  // Thin spaces around ±: the seven columns and the curve fit a 1280 pixel screen.
  if (metric < spreads.size())
    text += QStringLiteral("\u2009±\u2009") + QString::number(spreads[metric], 'f', 3);
  return best ? QStringLiteral("★ ") + text : text;
}

FaithfulnessPane::FaithfulnessPane(QWidget* parent)
    : QWidget(parent),
      scope_(new QComboBox),
      dataset_(new QPushButton(tr("Over the dataset..."))),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      caption_(new QLabel),
      table_(new QTableWidget),
      curve_(new CurvePlot) {
  setObjectName(QStringLiteral("faithfulnessPane"));
  scope_->setObjectName(QStringLiteral("faithfulnessScope"));
  scope_->addItems({tr("This image"), tr("Over the dataset")});
  scope_->setToolTip(tr("Which result the table shows: this image's, or the means over the dataset"));
  dataset_->setObjectName(QStringLiteral("faithfulnessOverDataset"));
  progress_->setObjectName(QStringLiteral("faithfulnessProgress"));
  progress_->setFormat(QStringLiteral("%v / %m"));
  cancel_->setObjectName(QStringLiteral("faithfulnessCancel"));
  cancel_->setToolTip(tr("Stop measuring"));
  caption_->setObjectName(QStringLiteral("faithfulnessCaption"));
  caption_->setWordWrap(true);
  set_up_table();
  curve_->setObjectName(QStringLiteral("faithfulnessCurve"));
  curve_->clear(tr("Select a method in the table to see its deletion curve."));
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Faithfulness:")));
  top->addWidget(scope_);
  top->addWidget(dataset_);
  top->addWidget(progress_, 1);
  top->addWidget(cancel_);
  top->addStretch();
  split_ = new QSplitter(Qt::Horizontal);
  split_->setObjectName(QStringLiteral("faithfulnessSplit"));
  split_->addWidget(table_);
  split_->addWidget(curve_);
  split_->setChildrenCollapsible(false);
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("faithfulnessTabs"));
  tabs_->setTabBarAutoHide(true);  // one tab (the curve beside the table): no tab bar
  tabs_->addTab(split_, tr("Table"));
  auto* note =
      new QLabel(tr("★ the best of each column; ↑ higher or ↓ lower is better. random (baseline): a map "
                    "of uniform noise: a method no better than it is no better than chance. Hover over "
                    "a column's header for how it is measured."));
  note->setObjectName(QStringLiteral("faithfulnessNote"));
  note->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(caption_);
  layout->addWidget(tabs_, 1);
  layout->addWidget(note);
  connect(dataset_, &QPushButton::clicked, this, &FaithfulnessPane::datasetRequested);
  connect(cancel_, &QPushButton::clicked, this, &FaithfulnessPane::cancelRequested);
  connect(scope_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
    if (!filling_) show_scope(static_cast<Scope>(index));
  });
  connect(table_, &QTableWidget::itemSelectionChanged, this, &FaithfulnessPane::draw_curve);
  messages_[0] = tr("All Methods measures every method on this image after its maps.");
  messages_[1] =
      tr("Over the dataset... measures every method over the open dataset's images: each metric's mean "
         "and spread.");
  set_dataset_available(false, tr("Open a dataset first (File > Open Dataset...)"));
  end_running(Scope::kImage);
  show_scope(Scope::kImage);
}

// Rows picked whole, one at a time; each column's header names its metric,
// which way is better, and (as its tooltip) how it is measured.
void FaithfulnessPane::set_up_table() {
  table_->setObjectName(QStringLiteral("faithfulnessTable"));
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setColumnCount(static_cast<int>(faithfulness_metrics().size()));
  QStringList headers;
  for (size_t m = 0; m < faithfulness_metrics().size(); ++m) headers << metric_title(m);
  table_->setHorizontalHeaderLabels(headers);
  static const char* const how[] = {
      QT_TR_NOOP("The area under the class score as the map's most important pixels are set to black first"),
      QT_TR_NOOP(
          "The area under the class score as the map's most important pixels are put back first into a "
          "blurred copy"),
      QT_TR_NOOP("How much the class score drops when the image is multiplied by the map (0 when it rises)"),
      QT_TR_NOOP("1 when the class score rises when the image is multiplied by the map, else 0"),
      QT_TR_NOOP(
          "ROAD, most relevant first: the score's change when the map's most relevant pixels are replaced "
          "by their neighbours' mean, averaged over 10% to 90% of the pixels"),
      QT_TR_NOOP("ROAD, least relevant first: the same with the least relevant pixels replaced"),
      QT_TR_NOOP("ROAD combined: (LeRF - MoRF) / 2")};
  for (int column = 0; column < table_->columnCount(); ++column) {
    table_->horizontalHeaderItem(column)->setToolTip(tr(how[column]));
  }
}

void FaithfulnessPane::show_running(Scope scope, const QString& what) {
  results_[static_cast<int>(scope)] = {};
  messages_[static_cast<int>(scope)] = what;
  running_[static_cast<int>(scope)] = true;
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
  dataset_->setEnabled(dataset_available_ && !running_[static_cast<int>(Scope::kDataset)]);
  show_scope(scope);
}

void FaithfulnessPane::show_progress(const QString& what, size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_->setFormat(what + QStringLiteral(" %v / %m"));
}

void FaithfulnessPane::end_running(Scope scope) {
  running_[static_cast<int>(scope)] = false;
  dataset_->setEnabled(dataset_available_ && !running_[static_cast<int>(Scope::kDataset)]);
  if (running_[0] || running_[1]) return;
  progress_->hide();
  cancel_->hide();
  progress_->setFormat(QStringLiteral("%v / %m"));
}

void FaithfulnessPane::show_result(Scope scope, FaithfulnessShown shown) {
  end_running(scope);
  results_[static_cast<int>(scope)] = std::move(shown);
  messages_[static_cast<int>(scope)].clear();
  show_scope(scope);
}

void FaithfulnessPane::show_message(Scope scope, const QString& message) {
  end_running(scope);
  results_[static_cast<int>(scope)] = {};
  messages_[static_cast<int>(scope)] = message;
  show_scope(scope);
}

void FaithfulnessPane::clear(Scope scope, const QString& why) {
  end_running(scope);
  results_[static_cast<int>(scope)] = {};
  messages_[static_cast<int>(scope)] = why;
  if (shown_scope() == scope) show_scope(scope);
}

void FaithfulnessPane::set_dataset_available(bool available, const QString& tooltip) {
  dataset_available_ = available;
  dataset_->setEnabled(available && !running_[static_cast<int>(Scope::kDataset)]);
  dataset_->setToolTip(tooltip);
}

const FaithfulnessShown* FaithfulnessPane::shown() const {
  const FaithfulnessShown& result = results_[scope_->currentIndex()];
  return result.series.empty() ? nullptr : &result;
}

FaithfulnessPane::Scope FaithfulnessPane::shown_scope() const {
  return static_cast<Scope>(scope_->currentIndex());
}

void FaithfulnessPane::show_scope(Scope scope) {
  filling_ = true;
  scope_->setCurrentIndex(static_cast<int>(scope));
  filling_ = false;
  const FaithfulnessShown& result = results_[static_cast<int>(scope)];
  caption_->setText(result.series.empty() ? messages_[static_cast<int>(scope)] : result.caption);
  fill_table();
}

// A row per method, a column per metric; the best of each column bold with a star.
void FaithfulnessPane::fill_table() {
  const FaithfulnessShown* result = shown();
  const int selected = table_->currentRow();
  table_->clearContents();
  table_->setRowCount(result ? static_cast<int>(result->series.size()) : 0);
  if (!result) {
    curve_->clear(running_[scope_->currentIndex()] ? tr("Measuring...") : tr("No result yet."));
    return;
  }
  const auto best = best_cells(result->series);
  QStringList names;
  for (size_t s = 0; s < result->series.size(); ++s) {
    const FaithfulnessSeries& line = result->series[s];
    names << method_title(line.method);
    for (size_t m = 0; m < line.means.size(); ++m) {
      auto* item = new QTableWidgetItem(cell_text(line.means[m], line.spreads, m, best[s][m]));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      item->setData(Qt::UserRole, line.means[m]);
      item->setData(Qt::UserRole + 1, static_cast<bool>(best[s][m]));
      if (best[s][m]) {
        QFont font = item->font();
        font.setBold(true);
        item->setFont(font);
        item->setToolTip(tr("The best of the column"));
      }
      table_->setItem(static_cast<int>(s), static_cast<int>(m), item);
    }
  }
  table_->setVerticalHeaderLabels(names);
  const int rows = table_->rowCount();
  table_->selectRow(selected >= 0 && selected < rows ? selected : 0);
  draw_curve();
  fit_split();
}

// The table as wide as its columns with the curve beside it when the curve
// keeps a readable width there; otherwise the curve moves to a tab of its
// own (at 1024 pixels, the means and spreads need the whole width).
void FaithfulnessPane::fit_split() {
  constexpr int kCurveWidth = 300;
  table_->resizeColumnsToContents();
  int wanted = table_->verticalHeader()->sizeHint().width() + 2 * table_->frameWidth() + 4;
  for (int column = 0; column < table_->columnCount(); ++column) wanted += table_->columnWidth(column);
  if (table_->verticalScrollBar()->isVisible()) wanted += table_->verticalScrollBar()->width();
  const int total = tabs_->width() - 4 - split_->handleWidth();
  const int curve = std::max({kCurveWidth, curve_->minimumSizeHint().width(), total - wanted});
  const bool beside = total - wanted >= kCurveWidth || table_->rowCount() == 0;
  if (beside && curve_->parentWidget() != split_) {
    tabs_->removeTab(1);
    split_->addWidget(curve_);
    curve_->show();
  } else if (!beside && curve_->parentWidget() == split_) {
    tabs_->addTab(curve_, tr("Deletion curve"));
  }
  if (beside) split_->setSizes({std::max(100, total - curve), curve});
}

void FaithfulnessPane::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fit_split();
}

// The selected method's deletion curve and the random baseline's, dashed.
void FaithfulnessPane::draw_curve() {
  const FaithfulnessShown* result = shown();
  const int row = table_->currentRow();
  if (!result || row < 0 || row >= static_cast<int>(result->series.size())) {
    curve_->clear(tr("Select a method in the table to see its deletion curve."));
    return;
  }
  std::vector<CurvePlot::Line> lines;
  const auto& series = result->series;
  const auto add = [&](size_t s, bool dashed) {
    lines.push_back(
        {method_title(series[s].method), colour_of(series, s), result->curve_x, series[s].deletion, dashed});
  };
  add(static_cast<size_t>(row), false);
  for (size_t s = 0; s < series.size(); ++s) {
    if (series[s].method == kRandomMethod && static_cast<int>(s) != row) add(s, true);
  }
  const bool mean = !series.front().spreads.empty();
  const QString title = (mean ? tr("Mean deletion curve of %1") : tr("Deletion curve of %1"))
                            .arg(method_title(series[static_cast<size_t>(row)].method));
  const QString score =
      result->score == FaithfulnessScore::kLogit ? tr("class logit") : tr("class probability");
  curve_->set_lines(std::move(lines), title, tr("fraction of pixels deleted"), score);
  curve_->setToolTip(title +
                     tr(": the class score as the map's most important pixels are set to black first; the "
                        "lower and the sooner it falls, the better the map"));
}

}  // namespace actscope
