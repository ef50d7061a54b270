// FiltersPane: the Filters tab. What every filter of the browsed layer does
// over a whole dataset (an atlas, core/atlas): a sortable table (dead and
// active shares, mean, max, preferred class, selectivity, flags) and, for the
// selected filter, the images that excite it most. Buttons ask for a scan or
// an atlas file; a scan's progress shows with Cancel. It only displays and
// asks: the atlas controller scans and reads. The shell puts other
// features' parts of the view in it (a tab beside the table, a panel above
// the top images, a button), which it hosts without reading.
#pragma once

#include <string>
#include <vector>

#include <QWidget>

#include "core/atlas/filter_stats.h"
#include "core/base/rgb_image.h"

class QAction;
class QHBoxLayout;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QVBoxLayout;

namespace actscope {

class FiltersPane : public QWidget {
  Q_OBJECT

 public:
  // Columns of the table.
  enum Column { kFilter, kDead, kActive, kMean, kMax, kPreferred, kSelectivity, kFlags, kColumns };

  explicit FiltersPane(QWidget* parent = nullptr);

  // `layer`'s statistics (`labels` name classes; `about` says what was
  // scanned); clears the top images until a filter is selected.
  void show_layer(const LayerStats& layer, const std::vector<std::string>& labels, const QString& about);
  // A message instead of the table (no atlas yet, the layer was not scanned).
  void show_message(const QString& message);
  // A scan is running: progress and Cancel; show_progress from the GUI thread.
  void show_running(const QString& what);
  void show_progress(size_t done, size_t total);

  // The filter shown in table row `row` as sorted now, or -1.
  int filter_at_row(int row) const;
  // Selects `filter`'s row (its top images appear).
  void select_filter(int filter);

  // The top images of `filter` cut to the unit's receptive field, best
  // first (as many as its top list), shown as pictures of the list; ignored
  // when another filter is shown by now.
  void show_crops(int filter, const std::vector<RgbImage>& crops);
  // The filter whose top images are listed, or -1.
  int shown_filter() const { return shown_filter_; }

  // Hosts another feature's widgets (the pane takes ownership): `page` as a
  // tab beside the table, `panel` above the top images, a button for `action`.
  void add_page(QWidget* page, const QString& title);
  void add_panel_above_top(QWidget* panel);
  void add_button(QAction* action);

 Q_SIGNALS:
  void scanRequested();
  void openRequested();
  void cancelRequested();
  // The top list of a filter is shown: its crops are wanted.
  void cropsWanted(int filter);
  // A top image was clicked: open image `unit.image` of the atlas' dataset
  // with `unit` (of `filter`) selected.
  void topImageChosen(int filter, const TopUnit& unit);

 private:
  void build_layout();
  void show_top(int filter);

  QLabel* about_;
  QPushButton* scan_;
  QPushButton* open_;
  QProgressBar* progress_;
  QPushButton* cancel_;
  QTableWidget* table_;
  QTabWidget* tabs_;  // the table and hosted pages
  QHBoxLayout* buttons_;
  QVBoxLayout* top_layout_;
  QLabel* top_title_;
  QListWidget* top_;
  LayerStats layer_{"", 0, 1, 1, 0, 1};
  std::vector<std::string> labels_;
  int shown_filter_ = -1;
};

}  // namespace actscope
