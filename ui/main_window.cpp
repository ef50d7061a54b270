#include "ui/main_window.h"

#include <algorithm>
#include <limits>

#include <QAction>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPixmap>
#include <QPointer>
#include <QProgressDialog>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "core/io/atomic_file.h"
#include "core/explain/compare.h"
#include "core/maps/filter_weights.h"
#include "core/export/layer_export.h"
#include "core/base/version.h"
#include "ui/cam_pane.h"
#include "ui/card_dialog.h"
#include "ui/compare_pane.h"
#include "ui/dataset_pane.h"
#include "ui/grid_view.h"
#include "ui/labelled.h"
#include "ui/layer_tree.h"
#include "ui/pixmap.h"
#include "core/maps/cam_render.h"
#include "core/maps/layer_view.h"
#include "core/model/layer_query.h"

namespace actscope {
namespace {

constexpr int kClassRole = Qt::UserRole;  // image strip items: predicted class index
constexpr int kWeightsTab = 1;
constexpr int kEnlargedTab = 2;
constexpr int kCompareTab = 3;
constexpr int kDatasetTab = 4;
const QStringList kModelSuffixes = {QStringLiteral("pt"), QStringLiteral("pth"), QStringLiteral("ptl")};

std::vector<std::string> to_std(const QStringList& list) {
  std::vector<std::string> result;
  for (const auto& item : list) result.push_back(item.toStdString());
  return result;
}

// Layers whose output can be drawn as a grid: maps [N, C, h, w] or vectors [N, F].
bool drawable(const LayerInfo& layer) {
  return layer.capturable && (layer.shape.size() == 4 || layer.shape.size() == 2);
}

QString card_summary(const Model& model) {
  const ModelCard& card = model.card();
  QString text = QStringLiteral("<b>%1</b><br>%2<br>input %3 x %4 x %5")
                     .arg(QString::fromStdString(card.name).toHtmlEscaped(),
                          QFileInfo(QString::fromStdString(model.path())).fileName().toHtmlEscaped())
                     .arg(card.channels)
                     .arg(card.height)
                     .arg(card.width);
  if (card.test_accuracy) {
    text += QStringLiteral("<br>test accuracy %1%").arg(*card.test_accuracy * 100.0, 0, 'f', 2);
  }
  if (!model.layers_notice().empty()) {
    text +=
        QStringLiteral("<br><i>%1</i>").arg(QString::fromStdString(model.layers_notice()).toHtmlEscaped());
  }
  return text;
}

// Runs `work` (which returns a Result) on the worker: its value or message as
// an Outcome. Core reports errors as values; anything thrown is a bug that
// must still reach the window as a message, not end the program.
template <typename Work>
auto run_guarded(int session, int image, Work work) {
  using Value = std::decay_t<decltype(work().value())>;
  Outcome<Value> outcome;
  outcome.session = session;
  outcome.image = image;
  try {
    auto result = work();
    if (result) {
      outcome.result = std::make_shared<const Value>(std::move(result).value());
    } else {
      outcome.error = QString::fromStdString(result.error());
    }
  } catch (const std::exception& e) {
    outcome.error = QString::fromStdString(e.what());
  }
  return outcome;
}

// The activation of layer `name` in `capture` (null when absent).
const LayerActivation* find_activation(const CaptureResult* capture, const QString& name) {
  if (!capture) return nullptr;
  const std::string wanted = name.toStdString();
  for (const auto& layer : capture->activations) {
    if (layer.name == wanted) return &layer;
  }
  return nullptr;
}

QScrollArea* scrolled(QWidget* widget) {
  auto* area = new QScrollArea;
  area->setWidget(widget);
  area->setWidgetResizable(false);
  area->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  return area;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("actscope"));
  setAcceptDrops(true);
  resize(1400, 880);
  engine_.setMaxThreadCount(1);
  build_widgets();
  build_menus();
  restore_settings();
  connect(&loader_, &QFutureWatcher<Session>::finished, this, [this] { show_session(loader_.result()); });
  connect(&capture_watcher_, &QFutureWatcher<CaptureOutcome>::finished, this,
          [this] { show_capture(capture_watcher_.result()); });
  connect(&cam_watcher_, &QFutureWatcher<CamOutcome>::finished, this,
          [this] { show_cam(cam_watcher_.result()); });
  connect(&compare_watcher_, &QFutureWatcher<CaptureOutcome>::finished, this,
          [this] { show_compare_capture(compare_watcher_.result()); });
  connect(&explain_watcher_, &QFutureWatcher<ExplanationsOutcome>::finished, this, [this] {
    const ExplanationsOutcome outcome = explain_watcher_.result();
    explaining_.clear();
    if (outcome.session != session_) return;
    if (!outcome.result) {
      statusBar()->showMessage(tr("No prediction for the comparison: %1").arg(outcome.error));
      return;
    }
    for (const auto& [image, explanation] : *outcome.result) {
      explanations_.insert(image, std::make_shared<const ImageExplanation>(explanation));
    }
    if (show_explanations()) Q_EMIT explanationsShown();
  });
  connect(&dataset_watcher_, &QFutureWatcher<DatasetOutcome>::finished, this,
          [this] { show_dataset(dataset_watcher_.result()); });
  connect(&pair_watcher_, &QFutureWatcher<PairOutcome>::finished, this,
          [this] { show_pair(pair_watcher_.result()); });
  connect(&partner_watcher_, &QFutureWatcher<PartnerOutcome>::finished, this, [this] {
    const PartnerOutcome outcome = partner_watcher_.result();
    // Dropped when the user has since chosen B or moved to another image.
    if (outcome.session != session_ || outcome.image != current_image_ ||
        proposal_choice_ != compare_choice_) {
      return;
    }
    if (outcome.result) {
      set_compare_image(static_cast<int>(*outcome.result));
    } else {
      compare_pane_->clear(tr("No image B to propose: %1").arg(outcome.error));
    }
  });
  connect(&export_watcher_, &QFutureWatcher<QString>::finished, this, [this] {
    const QString error = export_watcher_.result();
    if (!error.isEmpty()) show_error(tr("Export failed"), error);
    statusBar()->showMessage(error.isEmpty() ? tr("Exported all layers") : error);
    Q_EMIT exportFinished(error);
  });
  statusBar()->showMessage(tr("No model open"));
}

MainWindow::~MainWindow() {
  if (cam_cancel_) *cam_cancel_ = true;
  if (export_cancel_) *export_cancel_ = true;
  if (dataset_cancel_) *dataset_cancel_ = true;
  engine_.waitForDone();
}

void MainWindow::build_widgets() {
  // Centre: the activation grid (and before-activation grid), weights, enlarged filter.
  grid_view_ = new GridView;
  grid_view_->setObjectName(QStringLiteral("activationGrid"));
  pre_grid_view_ = new GridView;
  pre_grid_view_->setObjectName(QStringLiteral("preActivationGrid"));
  normalization_ = new QComboBox;
  normalization_->setObjectName(QStringLiteral("normalization"));
  normalization_->addItems({QStringLiteral("filter"), QStringLiteral("layer"), QStringLiteral("signed")});
  colormap_ = new QComboBox;
  colormap_->setObjectName(QStringLiteral("colormap"));
  colormap_->addItems({QStringLiteral("viridis"), QStringLiteral("gray"), QStringLiteral("inferno"),
                       QStringLiteral("magma"), QStringLiteral("jet"), QStringLiteral("turbo"),
                       QStringLiteral("coolwarm")});
  sort_by_mean_ = new QCheckBox(tr("Sort by mean"));
  sort_by_mean_->setObjectName(QStringLiteral("sortByMean"));
  top_k_ = new QSpinBox;
  top_k_->setObjectName(QStringLiteral("topK"));
  top_k_->setRange(0, 4096);
  top_k_->setSpecialValueText(tr("all"));
  top_k_->setToolTip(tr("Show the K most active filters"));
  pre_activation_ = new QCheckBox(tr("Before activation"));
  pre_activation_->setObjectName(QStringLiteral("preActivation"));
  pre_activation_->setToolTip(tr("Show the layer's values before its ReLU next to after it"));

  auto* controls = new QWidget;
  auto* controls_layout = new QHBoxLayout(controls);
  controls_layout->setContentsMargins(4, 4, 4, 0);
  controls_layout->addWidget(labelled(tr("Normalization"), normalization_));
  controls_layout->addWidget(labelled(tr("Colormap"), colormap_));
  controls_layout->addWidget(sort_by_mean_);
  controls_layout->addWidget(labelled(tr("Top"), top_k_));
  controls_layout->addWidget(pre_activation_);
  controls_layout->addStretch(1);

  pre_caption_ = new QLabel;
  pre_grid_box_ = new QWidget;
  auto* pre_layout = new QVBoxLayout(pre_grid_box_);
  pre_layout->setContentsMargins(0, 0, 0, 0);
  pre_layout->addWidget(pre_caption_);
  pre_layout->addWidget(scrolled(pre_grid_view_), 1);
  hide_side_grid();
  auto* grids = new QSplitter(Qt::Horizontal);
  grids->addWidget(pre_grid_box_);
  grids->addWidget(scrolled(grid_view_));

  auto* activations_page = new QWidget;
  auto* activations_layout = new QVBoxLayout(activations_page);
  activations_layout->setContentsMargins(0, 0, 0, 0);
  activations_layout->addWidget(controls);
  activations_layout->addWidget(grids, 1);

  weights_view_ = new QLabel(tr("Select a Conv2d layer to see its filter weights."));
  weights_view_->setObjectName(QStringLiteral("weightsView"));
  weights_view_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  enlarged_view_ = new QLabel(tr("Double-click a filter (or press Enter) to enlarge it; Esc goes back."));
  enlarged_view_->setObjectName(QStringLiteral("enlargedView"));
  enlarged_view_->setAlignment(Qt::AlignLeft | Qt::AlignTop);

  center_tabs_ = new QTabWidget;
  center_tabs_->setObjectName(QStringLiteral("centerTabs"));
  center_tabs_->addTab(activations_page, tr("Activations"));
  center_tabs_->addTab(scrolled(weights_view_), tr("Weights"));
  center_tabs_->addTab(scrolled(enlarged_view_), tr("Enlarged filter"));
  compare_pane_ = new ComparePane;
  compare_pane_->setObjectName(QStringLiteral("comparePane"));
  center_tabs_->addTab(compare_pane_, tr("Compare"));
  connect(compare_pane_, &ComparePane::imageBChosen, this, &MainWindow::set_compare_image);
  connect(compare_pane_, &ComparePane::proposeRequested, this, &MainWindow::propose_compare_image);
  dataset_pane_ = new DatasetPane;
  dataset_pane_->setObjectName(QStringLiteral("datasetPane"));
  center_tabs_->addTab(dataset_pane_, tr("Dataset"));
  connect(dataset_pane_, &DatasetPane::openRequested, this, &MainWindow::load_dataset);
  connect(dataset_pane_, &DatasetPane::compareRequested, this, &MainWindow::compare_dataset_image);
  connect(dataset_pane_, &DatasetPane::cancelRequested, this, [this] {
    if (dataset_cancel_) *dataset_cancel_ = true;
  });
  setCentralWidget(center_tabs_);
  connect(center_tabs_, &QTabWidget::currentChanged, this, [this](int tab) {
    if (tab == kWeightsTab) render_weights();
    if (tab != kCompareTab) return;
    if (compare_image_ < 0 && current_image_ >= 0 && images_[current_image_].misclassified()) {
      propose_compare_image();
    } else {
      render_compare();
    }
  });

  // Left: the layer tree with its search box, and the model card.
  layer_tree_ = new LayerTree;
  auto* layers_dock = new QDockWidget(tr("Layers"), this);
  layers_dock->setObjectName(QStringLiteral("layersDock"));
  layers_dock->setWidget(layer_tree_);
  addDockWidget(Qt::LeftDockWidgetArea, layers_dock);

  model_summary_ = new QLabel;
  model_summary_->setObjectName(QStringLiteral("modelSummary"));
  model_summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  model_summary_->setMargin(6);
  model_summary_->setWordWrap(true);
  model_summary_->setTextFormat(Qt::RichText);
  auto* model_dock = new QDockWidget(tr("Model"), this);
  model_dock->setObjectName(QStringLiteral("modelDock"));
  model_dock->setWidget(model_summary_);
  addDockWidget(Qt::LeftDockWidgetArea, model_dock);

  // Right: Grad-CAM and predictions.
  cam_pane_ = new CamPane;
  auto* cam_dock = new QDockWidget(tr("Grad-CAM"), this);
  cam_dock->setObjectName(QStringLiteral("camDock"));
  cam_dock->setWidget(cam_pane_);
  addDockWidget(Qt::RightDockWidgetArea, cam_dock);

  // Bottom: the images.
  image_strip_ = new QListWidget;
  image_strip_->setObjectName(QStringLiteral("imageStrip"));
  image_strip_->setViewMode(QListView::IconMode);
  image_strip_->setFlow(QListView::LeftToRight);
  image_strip_->setWrapping(false);
  image_strip_->setIconSize(QSize(72, 72));
  image_strip_->setMovement(QListView::Static);
  image_strip_->setSpacing(4);
  image_strip_->setFixedHeight(156);
  auto* images_dock = new QDockWidget(tr("Images"), this);
  images_dock->setObjectName(QStringLiteral("imagesDock"));
  images_dock->setWidget(image_strip_);
  addDockWidget(Qt::BottomDockWidgetArea, images_dock);

  // Reactions.
  connect(layer_tree_, &LayerTree::layerChosen, this, &MainWindow::select_layer);
  connect(layer_tree_, &LayerTree::layerActivated, this,
          [this] { enlarge_filter(grid_view_->selected_filter()); });
  connect(image_strip_, &QListWidget::currentRowChanged, this, &MainWindow::select_image);
  for (QComboBox* combo : {normalization_, colormap_}) {
    connect(combo, &QComboBox::currentTextChanged, this, [this] { render_layer_views(); });
  }
  connect(sort_by_mean_, &QCheckBox::toggled, this, [this] { render_layer_views(); });
  connect(top_k_, qOverload<int>(&QSpinBox::valueChanged), this, [this] { render_layer_views(); });
  connect(pre_activation_, &QCheckBox::toggled, this, [this] { render_layer_views(); });
  connect(grid_view_, &GridView::hovered, this, [this](const QString& text) {
    if (!text.isEmpty()) statusBar()->showMessage(text);
  });
  connect(pre_grid_view_, &GridView::hovered, this, [this](const QString& text) {
    if (!text.isEmpty()) statusBar()->showMessage(tr("before activation: ") + text);
  });
  connect(grid_view_, &GridView::enlargeRequested, this, &MainWindow::enlarge_filter);
  connect(grid_view_, &GridView::zoomedByUser, this, [this] { user_zoom_ = true; });
  connect(cam_pane_, &CamPane::requestChanged, this, &MainWindow::request_cam);
  connect(cam_pane_, &CamPane::pinToggled, this, [this](bool pinned) {
    pinned_cam_layer_ = pinned ? cam_layer() : QString();
    if (!pinned) request_cam();
  });
  connect(cam_pane_, &CamPane::cancelRequested, this, [this] {
    if (cam_cancel_) *cam_cancel_ = true;
  });
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open_model = file->addAction(tr("Open &Model..."), this, &MainWindow::open_model_dialog);
  open_model->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open &Images..."), this, &MainWindow::open_images_dialog);
  file->addAction(tr("Open &Dataset..."), this, [this] {
    center_tabs_->setCurrentIndex(kDatasetTab);
    dataset_pane_->choose_folder();
  });
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  file->addSeparator();
  // Asks where to save a PNG (starting in the last export folder), then
  // writes it with `export_to`; failures are shown.
  auto export_png = [this](const QString& title, const QString& file_name,
                           Status (MainWindow::*export_to)(const QString&)) {
    QSettings settings;
    const QString path = QFileDialog::getSaveFileName(
        this, title,
        settings.value(QStringLiteral("folders/export")).toString() + QStringLiteral("/") + file_name,
        tr("PNG (*.png)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("folders/export"), QFileInfo(path).absolutePath());
    if (auto done = (this->*export_to)(path); !done)
      show_error(tr("Export failed"), QString::fromStdString(done.error()));
  };
  QAction* export_grid_action = file->addAction(tr("&Export Current Grid..."), this, [this, export_png] {
    export_png(
        tr("Export grid"),
        QString::fromStdString(file_stem_for_layer(current_layer_.toStdString())) + QStringLiteral(".png"),
        &MainWindow::export_grid);
  });
  export_grid_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  file->addAction(tr("Export Grad-CAM &Overlay..."), this, [this, export_png] {
    export_png(tr("Export Grad-CAM overlay"), QStringLiteral("gradcam.png"), &MainWindow::export_cam);
  });
  file->addAction(tr("Export &Comparison Sheet..."), this, [this, export_png] {
    export_png(tr("Export comparison sheet"), QStringLiteral("comparison.png"),
               &MainWindow::export_comparison);
  });
  file->addAction(tr("Export &All Layers..."), this, [this] {
    QSettings settings;
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Export all layers to"), settings.value(QStringLiteral("folders/export")).toString());
    if (folder.isEmpty()) return;
    settings.setValue(QStringLiteral("folders/export"), folder);
    export_all_layers(folder);
  });
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QAction* previous_layer = view->addAction(tr("&Previous Layer"), this, [this] { step_layer(-1); });
  previous_layer->setShortcut(QKeySequence(Qt::Key_PageUp));
  QAction* next_layer = view->addAction(tr("&Next Layer"), this, [this] { step_layer(1); });
  next_layer->setShortcut(QKeySequence(Qt::Key_PageDown));
  QAction* next_image = view->addAction(tr("Next &Image"), this, [this] {
    if (!images_.empty()) select_image((current_image_ + 1) % static_cast<int>(images_.size()));
  });
  next_image->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab));
  QAction* back = view->addAction(tr("&Back to the Grid"), this, [this] {
    center_tabs_->setCurrentIndex(0);
    grid_view_->setFocus();
  });
  back->setShortcut(QKeySequence(Qt::Key_Escape));
  view->addAction(tr("Zoom &In"), this,
                  [this] {
                    user_zoom_ = true;
                    grid_view_->set_zoom(grid_view_->zoom() * 1.25);
                  })
      ->setShortcut(QKeySequence::ZoomIn);
  view->addAction(tr("Zoom &Out"), this,
                  [this] {
                    user_zoom_ = true;
                    grid_view_->set_zoom(grid_view_->zoom() * 0.8);
                  })
      ->setShortcut(QKeySequence::ZoomOut);
  for (QAction* action : view->actions()) action->setShortcutContext(Qt::WindowShortcut);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Shortcuts"), this, [this] {
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("shortcutsDialog"));
    dialog->setWindowTitle(tr("Shortcuts"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QList<QPair<QString, QString>> rows = {
        {tr("PgUp / PgDn"), tr("previous / next layer")},
        {tr("Arrow keys"), tr("move the selected filter")},
        {tr("Enter, double-click"), tr("enlarge the selected filter over the image")},
        {tr("Esc"), tr("back to the grid")},
        {tr("Ctrl+wheel, Ctrl+plus/minus"), tr("zoom the grid")},
        {tr("Ctrl+Tab"), tr("next image")},
        {tr("Ctrl+E"), tr("export the current grid")},
        {tr("Ctrl+O"), tr("open a model")},
        {tr("Click a prediction"), tr("Grad-CAM for that class")}};
    auto* table = new QTableWidget(rows.size(), 2, dialog);
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (int row = 0; row < rows.size(); ++row) {
      table->setItem(row, 0, new QTableWidgetItem(rows[row].first));
      table->setItem(row, 1, new QTableWidgetItem(rows[row].second));
    }
    table->resizeColumnsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(table);
    layout->addWidget(buttons);
    dialog->resize(520, 360);
    dialog->open();
  });
  help->addAction(tr("&About actscope"), this, [this] {
    QMessageBox::about(this, tr("About actscope"),
                       tr("actscope %1\nSee what every filter of a CNN sees.")
                           .arg(QString::fromStdString(actscope::version())));
  });
}

// ---------------------------------------------------------------------------
// Settings

void MainWindow::restore_settings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  const QString colormap = settings.value(QStringLiteral("view/colormap")).toString();
  if (colormap_->findText(colormap) >= 0) colormap_->setCurrentText(colormap);
  const QString normalization = settings.value(QStringLiteral("view/normalization")).toString();
  if (normalization_->findText(normalization) >= 0) normalization_->setCurrentText(normalization);
  rebuild_recent_menu();
}

void MainWindow::save_settings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  settings.setValue(QStringLiteral("view/colormap"), colormap_->currentText());
  settings.setValue(QStringLiteral("view/normalization"), normalization_->currentText());
}

void MainWindow::remember_recent(const QString& model_path) {
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("recent/models")).toStringList();
  const QString absolute = QFileInfo(model_path).absoluteFilePath();
  recent.removeAll(absolute);
  recent.prepend(absolute);
  while (recent.size() > 8) recent.removeLast();
  settings.setValue(QStringLiteral("recent/models"), recent);
  settings.setValue(QStringLiteral("folders/model"), QFileInfo(model_path).absolutePath());
  rebuild_recent_menu();
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value(QStringLiteral("recent/models")).toStringList();
  for (const QString& path : recent) {
    recent_menu_->addAction(QFileInfo(path).fileName(), this, [this, path] { open(path, image_paths_); })
        ->setToolTip(path);
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  save_settings();
  QMainWindow::closeEvent(event);
}

// ---------------------------------------------------------------------------
// Opening

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (url.isLocalFile()) paths << url.toLocalFile();
  }
  if (open_files(paths)) event->acceptProposedAction();
}

bool MainWindow::open_files(const QStringList& paths) {
  QString model = model_path_;
  QStringList images;
  for (const QString& path : paths) {
    if (kModelSuffixes.contains(QFileInfo(path).suffix().toLower())) {
      model = path;
    } else {
      images << path;
    }
  }
  if (model.isEmpty()) {
    show_error(tr("No model"), tr("Drop a TorchScript model (.pt) first, or with the images."));
    return false;
  }
  open(model, images.isEmpty() ? image_paths_ : images);
  return true;
}

void MainWindow::open(const QString& model_path, const QStringList& image_paths,
                      const std::optional<ModelCard>& card) {
  model_path_ = model_path;
  image_paths_ = image_paths;
  // The load queues behind the worker's jobs: long ones stop now.
  if (cam_cancel_) *cam_cancel_ = true;
  if (dataset_cancel_) *dataset_cancel_ = true;
  statusBar()->showMessage(tr("Loading %1...").arg(QFileInfo(model_path).fileName()));
  // A superseded load still finishes on the worker; the watcher only reports
  // the future it watches now, so its result is dropped.
  loader_.setFuture(
      QtConcurrent::run(&engine_, [path = model_path.toStdString(), images = to_std(image_paths), card] {
        // Core reports errors as values; anything thrown is a bug that must
        // still reach the window as a message, not end the program.
        try {
          return load_session(path, images, card);
        } catch (const std::exception& e) {
          Session failed;
          failed.errors.push_back(path + ": " + e.what());
          return failed;
        }
      }));
}

void MainWindow::ask_for_card(const Session& session) {
  statusBar()->showMessage(tr("%1 has no card: enter its input size").arg(QFileInfo(model_path_).fileName()));
  auto* dialog = new CardDialog(QFileInfo(model_path_).fileName(), session.suggested_channels, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this,
          [this, dialog] { open(model_path_, image_paths_, dialog->card()); });
  dialog->open();
  Q_EMIT cardRequested();
}

void MainWindow::show_error(const QString& title, const QString& message) {
  statusBar()->showMessage(message);
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("errorMessage"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal and non-blocking: the event loop keeps running
}

void MainWindow::show_session(const Session& session) {
  if (session.needs_card) {
    ask_for_card(session);
    return;
  }
  QStringList errors;
  for (const auto& error : session.errors) errors << QString::fromStdString(error);
  if (!session.model) {
    // The window keeps what it showed; only the message is new.
    show_error(tr("The model could not be opened"), errors.join('\n'));
    Q_EMIT sessionShown(errors);
    return;
  }
  if (cam_cancel_) *cam_cancel_ = true;
  if (dataset_cancel_) *dataset_cancel_ = true;
  ++session_;  // captures and CAMs still on their way belong to the old model
  compare_image_ = -1;
  compare_capture_.reset();
  explanations_.clear();
  const bool same_classes = model_ && model_->card().labels == session.model->card().labels;
  if (dataset_model_path_ != model_path_ || !same_classes) {
    dataset_run_.reset();
  }
  hide_side_grid();
  pinned_cam_layer_.clear();
  model_ = session.model;
  images_ = session.images;
  capture_.reset();
  capture_image_ = -1;
  cam_.reset();
  current_layer_.clear();
  remember_recent(model_path_);
  setWindowTitle(QStringLiteral("actscope - %1").arg(QFileInfo(model_path_).fileName()));
  model_summary_->setText(card_summary(*model_));
  layer_tree_->set_layers(model_->layers());
  const ModelCard& card = model_->card();
  cam_pane_->set_card(card);

  QStringList labels;
  for (size_t i = 0; i < card.labels.size(); ++i)
    labels << QString::fromStdString(card.label(static_cast<int>(i)));
  dataset_pane_->set_labels(labels);
  if (dataset_run_) {  // the same model again
    dataset_pane_->show_predictions(dataset_run_->dataset, dataset_run_->predictions);
  }

  image_strip_->blockSignals(true);
  image_strip_->clear();
  for (const auto& image : images_) add_strip_item(image);
  image_strip_->blockSignals(false);
  compare_pane_->clear();
  refresh_compare_choices();
  current_image_ = -1;
  grid_view_->clear(images_.empty() ? tr("Open images to see their activations.") : tr("Running..."));
  if (!images_.empty()) image_strip_->setCurrentRow(0);  // select_image: capture

  if (errors.isEmpty()) {
    statusBar()->showMessage(tr("%1: %2 images").arg(QFileInfo(model_path_).fileName()).arg(images_.size()));
  } else {
    show_error(tr("Some files could not be opened"), errors.join('\n'));
  }
  Q_EMIT sessionShown(errors);
}

void MainWindow::open_model_dialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open TorchScript model"), QSettings().value(QStringLiteral("folders/model")).toString(),
      tr("TorchScript models (*.pt *.pth *.ptl);;All files (*)"));
  if (!path.isEmpty()) open(path, image_paths_);
}

void MainWindow::open_images_dialog() {
  QSettings settings;
  const QStringList paths = QFileDialog::getOpenFileNames(
      this, tr("Open images"), settings.value(QStringLiteral("folders/images")).toString(),
      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
  if (paths.isEmpty()) return;
  settings.setValue(QStringLiteral("folders/images"), QFileInfo(paths.front()).absolutePath());
  if (model_path_.isEmpty()) {
    show_error(tr("No model"), tr("Open a model first."));
    return;
  }
  open(model_path_, paths);
}

// ---------------------------------------------------------------------------
// Layers

const LayerInfo* MainWindow::layer_info(const QString& name) const {
  return model_ ? model_->find_layer(name.toStdString()) : nullptr;
}

const LayerActivation* MainWindow::activation(const QString& name) const {
  return find_activation(capture_.get(), name);
}

bool MainWindow::select_layer(const QString& name) {
  const LayerInfo* layer = layer_info(name);
  if (!layer) return false;
  current_layer_ = name;
  layer_tree_->set_current(name);
  render_layer_views();
  if (center_tabs_->currentIndex() == kWeightsTab) render_weights();  // drawn when its tab is shown
  if (center_tabs_->currentIndex() == kCompareTab) render_compare();
  if (pinned_cam_layer_.isEmpty() && has_spatial_maps(*layer)) request_cam();
  return true;
}

void MainWindow::step_layer(int step) {
  if (!model_) return;
  const auto& layers = model_->layers();
  int index = -1;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (QString::fromStdString(layers[i].name) == current_layer_) index = static_cast<int>(i);
  }
  for (int i = index + step; i >= 0 && i < static_cast<int>(layers.size()); i += step) {
    if (drawable(layers[i])) {
      select_layer(QString::fromStdString(layers[i].name));
      return;
    }
  }
}

// The grid of the current layer (and, when asked, its values before the
// activation next to it), from the cached capture: no model run.
void MainWindow::render_layer_views() {
  const LayerInfo* layer = layer_info(current_layer_);
  const LayerActivation* values = activation(current_layer_);
  // The pre/post pair: this layer is the activation of `pre`, or `post` is this layer's activation.
  QString pre;
  if (layer && !layer->pre_activation.empty()) {
    pre = QString::fromStdString(layer->pre_activation);
  } else if (layer && model_) {
    for (const auto& other : model_->layers()) {
      if (other.pre_activation == layer->name) {
        pre = current_layer_;
        break;
      }
    }
  }
  pre_activation_->setEnabled(!pre.isEmpty());
  if (!layer || !values) {
    grid_view_->clear(capture_ ? tr("%1 has no captured values.").arg(current_layer_) : tr("Running..."));
    hide_side_grid();
    return;
  }
  ViewOptions options;
  auto normalization = parse_normalization(normalization_->currentText().toStdString());
  options.normalization = normalization ? normalization.value() : Normalization::kFilter;
  auto colormap = parse_colormap(colormap_->currentText().toStdString());
  if (colormap) options.colormap = colormap.value();
  options.sort_by_mean = sort_by_mean_->isChecked();
  // "all" shows every filter (the exports' default caps wide layers at 256).
  options.top_k = top_k_->value() > 0 ? top_k_->value() : std::numeric_limits<int>::max();
  const std::string image_name = images_.at(capture_image_).input.name;
  auto view = render_layer(*model_, *values, 0, image_name, options);
  if (!view) {
    grid_view_->clear(QString::fromStdString(view.error()));
  } else {
    grid_view_->set_view(std::move(view).value());
    fit_grid(grid_view_);
  }

  const LayerActivation* pre_values = pre.isEmpty() ? nullptr : activation(pre);
  if (!pre_activation_->isChecked() || !pre_values || pre == current_layer_) {
    // Shown beside the activation's own grid: when the current layer is the
    // activation, the grid beside is its input; otherwise nothing.
    if (pre_activation_->isChecked() && pre == current_layer_ && model_) {
      QString post;
      for (const auto& other : model_->layers()) {
        if (QString::fromStdString(other.pre_activation) == current_layer_)
          post = QString::fromStdString(other.name);
      }
      if (const LayerActivation* post_values = activation(post)) {
        auto post_view = render_layer(*model_, *post_values, 0, image_name, options);
        if (post_view) {
          pre_caption_->setText(tr("after activation: %1").arg(post));
          pre_grid_view_->set_view(std::move(post_view).value());
          fit_grid(pre_grid_view_);
          pre_grid_box_->show();
          return;
        }
      }
    }
    hide_side_grid();
    return;
  }
  ViewOptions signed_options = options;
  signed_options.normalization = Normalization::kSigned;  // the negative half is the point
  signed_options.colormap.reset();
  auto pre_view = render_layer(*model_, *pre_values, 0, image_name, signed_options);
  if (!pre_view) {
    hide_side_grid();
    return;
  }
  pre_caption_->setText(tr("before activation: %1 (signed)").arg(pre));
  pre_grid_box_->show();
  pre_grid_view_->set_view(std::move(pre_view).value());
  fit_grid(pre_grid_view_);
}

// Zooms a fresh grid to fill its scroll area (between 1x and 4x), unless the
// user zoomed by hand.
void MainWindow::fit_grid(GridView* view) {
  if (user_zoom_) return;
  auto* area =
      qobject_cast<QScrollArea*>(view->parentWidget() ? view->parentWidget()->parentWidget() : nullptr);
  if (!area || !view->has_view()) return;
  const RgbImage& image = view->view().grid.image;
  const QSize room = area->viewport()->size() - QSize(4, 4);
  const double fit = std::min(room.width() / double(image.width), room.height() / double(image.height));
  view->set_zoom(std::clamp(fit, 1.0, 4.0));
}

void MainWindow::hide_side_grid() {
  pre_grid_box_->hide();
  pre_grid_view_->clear();
}

void MainWindow::render_weights() {
  const LayerInfo* layer = layer_info(current_layer_);
  if (!layer || !layer->has_weights) {
    weights_view_->setPixmap({});
    weights_view_->setText(tr("%1 is not a Conv2d layer: no filter weights.").arg(current_layer_));
    return;
  }
  auto weights = model_->conv_weights(layer->name);
  if (!weights) {
    weights_view_->setText(QString::fromStdString(weights.error()));
    return;
  }
  WeightGridOptions options;
  options.grid.caption = {layer->name + " weights"};
  auto grid = compose_weight_grid(weights.value(), options);
  if (!grid) {
    weights_view_->setText(QString::fromStdString(grid.error()));
    return;
  }
  weights_view_->setPixmap(QPixmap::fromImage(to_qimage(grid.value().image)));
  weights_view_->adjustSize();
}

void MainWindow::enlarge_filter(int filter) {
  if (filter < 0 || !grid_view_->has_view() || capture_image_ < 0) return;
  if (filter >= grid_view_->view().maps.count) return;
  const LayerView& view = grid_view_->view();
  const RgbImage& image = images_.at(capture_image_).input.display;
  auto colormap = parse_colormap(colormap_->currentText().toStdString());
  const RgbImage overlay = cam_overlay(image, view.maps.map(filter), view.maps.height, view.maps.width,
                                       colormap ? colormap.value() : Colormap::kViridis, 0.4f);
  const int size = std::max(448, std::max(image.width, image.height));
  enlarged_view_->setPixmap(scaled_pixmap(overlay, size));
  enlarged_view_->adjustSize();
  const FilterStats& stats = view.maps.stats[filter];
  enlarged_view_->setToolTip(tr("%1 filter %2: min %3, max %4, mean %5")
                                 .arg(current_layer_)
                                 .arg(filter)
                                 .arg(stats.min)
                                 .arg(stats.max)
                                 .arg(stats.mean));
  statusBar()->showMessage(enlarged_view_->toolTip());
  center_tabs_->setCurrentIndex(kEnlargedTab);
}

// ---------------------------------------------------------------------------
// Images, capture, predictions

void MainWindow::select_image(int index) {
  if (index < 0 || index >= static_cast<int>(images_.size()) || index == current_image_) return;
  current_image_ = index;
  if (image_strip_->currentRow() != index) {
    const QSignalBlocker block(image_strip_);
    image_strip_->setCurrentRow(index);
  }
  cam_pane_->set_image(images_[index].input.display, images_[index].top);
  request_capture();
}

void MainWindow::request_capture() {
  if (!model_ || current_image_ < 0) return;
  statusBar()->showMessage(
      tr("Capturing every layer of %1...")
          .arg(QFileInfo(QString::fromStdString(images_[current_image_].input.name)).fileName()));
  auto model = model_;
  const InputImage input = images_[current_image_].input;
  const int image = current_image_;
  // A capture queued for an image the user has left is skipped.
  capture_watcher_.future().cancel();
  capture_watcher_.setFuture(QtConcurrent::run(&engine_, [model, input, image, session = session_] {
    return run_guarded(session, image, [&] { return model->capture({input}); });
  }));
}

void MainWindow::show_capture(const CaptureOutcome& outcome) {
  if (outcome.session != session_ || outcome.image != current_image_) return;  // the user has moved on
  if (!outcome.result) {
    grid_view_->clear(outcome.error);
    hide_side_grid();
    show_error(tr("The model failed"), outcome.error);
    return;
  }
  capture_ = outcome.result;
  capture_image_ = outcome.image;
  if ((current_layer_.isEmpty() || !layer_info(current_layer_)) && layer_info(preferred_layer_)) {
    current_layer_ = preferred_layer_;
  }
  if (current_layer_.isEmpty() || !layer_info(current_layer_)) {
    // Start on the first layer with maps.
    for (const auto& layer : model_->layers()) {
      if (has_spatial_maps(layer)) {
        current_layer_ = QString::fromStdString(layer.name);
        break;
      }
    }
  }
  if (current_layer_.isEmpty() || !layer_info(current_layer_)) {
    // No layer with maps: start on the first capturable one.
    for (const auto& layer : model_->layers()) {
      if (drawable(layer)) {
        current_layer_ = QString::fromStdString(layer.name);
        break;
      }
    }
  }
  const LayerInfo* layer = layer_info(current_layer_);
  // select_layer also draws the Compare tab when it shows.
  if (!layer || !select_layer(current_layer_)) {
    grid_view_->clear(tr("This model has no layer to draw."));
    if (center_tabs_->currentIndex() == kCompareTab) render_compare();
  }
  if (!pinned_cam_layer_.isEmpty() || !layer || !has_spatial_maps(*layer)) request_cam();
  statusBar()->showMessage(
      tr("%1: %2 layers captured").arg(current_layer_).arg(capture_->activations.size()));
  Q_EMIT captureShown();
}

// ---------------------------------------------------------------------------
// Grad-CAM

QString MainWindow::cam_layer() const {
  if (!pinned_cam_layer_.isEmpty()) return pinned_cam_layer_;
  const LayerInfo* layer = layer_info(current_layer_);
  if (layer && has_spatial_maps(*layer)) return current_layer_;
  return cam_ ? QString::fromStdString(cam_->layers.front().layer) : QString();  // keep the last one
}

int MainWindow::cam_class() const { return cam_pane_->target_class(); }

void MainWindow::request_cam() {
  if (!model_ || current_image_ < 0) return;
  if (cam_cancel_) *cam_cancel_ = true;  // a running Score-CAM for an old request stops
  cam_cancel_ = std::make_shared<std::atomic<bool>>(false);
  CamOptions options;
  options.method = cam_pane_->method();
  const QString layer = cam_layer();
  if (!layer.isEmpty()) options.layers = {layer.toStdString()};
  if (cam_class() >= 0) options.target_class = cam_class();
  QPointer<CamPane> pane = cam_pane_;
  options.progress = [pane, cancel = cam_cancel_](size_t done, size_t total) {
    QMetaObject::invokeMethod(pane, [pane, done, total] {
      if (pane) pane->show_progress(done, total);
    });
    return !*cancel;
  };
  cam_pane_->show_running(options.method == CamMethod::kScoreCam);
  auto model = model_;
  const InputImage input = images_[current_image_].input;
  const int image = current_image_;
  cam_watcher_.future().cancel();
  cam_watcher_.setFuture(QtConcurrent::run(&engine_, [model, input, image, options, session = session_] {
    return run_guarded(session, image, [&] { return compute_cam(*model, {input}, options); });
  }));
}

void MainWindow::show_cam(const CamOutcome& outcome) {
  if (outcome.session != session_ || outcome.image != current_image_) return;
  if (outcome.result) {
    cam_ = outcome.result;
    cam_pane_->show_result(*cam_, images_[outcome.image].input.display);
  } else {
    cam_pane_->show_error(outcome.error);
  }
  Q_EMIT camShown();
}

// ---------------------------------------------------------------------------
// Compare

void MainWindow::set_compare_image(int index) {
  ++compare_choice_;
  if (index < 0 || index >= static_cast<int>(images_.size())) {
    compare_image_ = -1;
    compare_capture_.reset();
    compare_pane_->set_image_b(-1);
    compare_pane_->clear();
    return;
  }
  compare_pane_->set_image_b(index);
  compare_image_ = index;
  compare_capture_.reset();
  center_tabs_->setCurrentIndex(kCompareTab);
  request_compare_capture();
}

void MainWindow::request_compare_capture() {
  if (!model_ || compare_image_ < 0) return;
  compare_pane_->clear(tr("Capturing image B..."));
  auto model = model_;
  const InputImage input = images_[compare_image_].input;
  const int image = compare_image_;
  compare_watcher_.future().cancel();
  compare_watcher_.setFuture(QtConcurrent::run(&engine_, [model, input, image, session = session_] {
    return run_guarded(session, image, [&] { return model->capture({input}); });
  }));
}

void MainWindow::show_compare_capture(const CaptureOutcome& outcome) {
  if (outcome.session != session_ || outcome.image != compare_image_) return;
  if (!outcome.result) {
    compare_pane_->clear(outcome.error);
    return;
  }
  compare_capture_ = outcome.result;
  render_compare();
}

// The browsed layer for A (the current image) and B, from both cached captures.
void MainWindow::render_compare() {
  if (!capture_ || !compare_capture_) return;
  const LayerActivation* a = activation(current_layer_);
  const LayerActivation* b = find_activation(compare_capture_.get(), current_layer_);
  if (!a || !b) {
    compare_pane_->clear(tr("%1 has no captured values to compare.").arg(current_layer_));
    return;
  }
  auto comparison = compare_layer(a->values, b->values);
  if (!comparison) {
    compare_pane_->clear(QString::fromStdString(comparison.error()));
    return;
  }
  auto caption = [this](int image, const QString& letter) {
    const auto& loaded = images_[image];
    QString text =
        QStringLiteral("%1: %2").arg(letter, QFileInfo(QString::fromStdString(loaded.input.name)).fileName());
    if (!loaded.top.empty()) {
      text += QStringLiteral("  %1 %2%")
                  .arg(QString::fromStdString(model_->card().label(loaded.top[0].class_index)))
                  .arg(loaded.top[0].probability * 100.0, 0, 'f', 1);
    }
    return text;
  };
  compare_pane_->show_comparison(current_layer_.toStdString(), capture_image_, compare_image_,
                                 caption(capture_image_, QStringLiteral("A")),
                                 caption(compare_image_, QStringLiteral("B")), a->values, b->values,
                                 std::move(comparison).value());
  request_explanations();
  Q_EMIT compareShown();
}

// Each compared image's prediction and Grad-CAMs for the predicted and the
// true class: computed once per image on the worker, then kept.
void MainWindow::request_explanations() {
  std::vector<std::pair<int, LoadedImage>> missing;
  for (int image : {compare_pane_->shown_a(), compare_pane_->shown_b()}) {
    if (image >= 0 && !explanations_.contains(image) && (missing.empty() || missing.front().first != image)) {
      missing.emplace_back(image, images_[image]);
    }
  }
  show_explanations();
  std::vector<int> wanted;
  for (const auto& entry : missing) wanted.push_back(entry.first);
  if (missing.empty() || (wanted == explaining_ && explain_watcher_.isRunning())) return;
  explaining_ = wanted;
  auto model = model_;
  explain_watcher_.future().cancel();
  explain_watcher_.setFuture(QtConcurrent::run(&engine_, [model, missing, session = session_] {
    return run_guarded(session, -1, [&]() -> Result<Explanations> {
      Explanations explained;
      for (const auto& [index, image] : missing) {
        // A true class the model does not have still leaves the prediction;
        // a model that fails leaves the picture and the reason.
        auto explanation = explain_image(*model, image.input, image.true_class);
        std::string problem;
        if (!explanation) {
          problem = explanation.error();
          explanation = explain_image(*model, image.input, -1);
        }
        ImageExplanation shown;
        if (explanation) {
          shown = std::move(explanation).value();
        } else {
          shown.display = image.input.display;
          shown.name = QFileInfo(QString::fromStdString(image.input.name)).fileName().toStdString();
          problem = explanation.error();
        }
        if (!problem.empty()) shown.cam_error = problem;
        explained.emplace_back(index, std::move(shown));
      }
      return explained;
    });
  }));
}

// Shows the explanations of the images the Compare tab shows; true when
// both are there.
bool MainWindow::show_explanations() {
  const auto a = explanations_.value(compare_pane_->shown_a());
  const auto b = explanations_.value(compare_pane_->shown_b());
  if (!model_ || compare_pane_->shown_a() < 0) return false;
  compare_pane_->show_explanations(model_->card(), a.get(), b.get());
  return a && b;
}

void MainWindow::propose_compare_image() {
  if (!model_ || current_image_ < 0) return;
  if (images_[current_image_].true_class < 0) {
    compare_pane_->clear(
        tr("A's true class is unknown, so no image B can be proposed: a samples.json next "
           "to the images gives it (or open a dataset and double-click an image there)."));
    return;
  }
  compare_pane_->clear(tr("Finding the nearest correctly classified image of the same class..."));
  proposal_choice_ = ++compare_choice_;
  // The open images as a dataset: their predictions are known already.
  auto open_images = std::make_shared<Dataset>();
  open_images->source = tr("the open images").toStdString();
  std::vector<DatasetPrediction> predictions;
  for (const auto& image : images_) {
    open_images->images.push_back({image.input.name, image.true_class});
    open_images->loaded.push_back(image.input);
    DatasetPrediction prediction;
    prediction.true_class = image.true_class;
    if (!image.top.empty()) prediction.predicted_class = image.top[0].class_index;
    predictions.push_back(prediction);
  }
  auto model = model_;
  partner_watcher_.setFuture(QtConcurrent::run(
      &engine_, [model, open_images, predictions, image = current_image_, session = session_] {
        return run_guarded(session, image, [&] {
          return propose_partner(*model, *open_images, predictions, static_cast<size_t>(image));
        });
      }));
}

// ---------------------------------------------------------------------------
// Datasets

void MainWindow::load_dataset(const QString& path) {
  if (!model_) {
    dataset_pane_->show_error(tr("Open a model first: the dataset's classes are the model's."));
    Q_EMIT datasetShown(tr("no model"));
    return;
  }
  if (dataset_cancel_) *dataset_cancel_ = true;  // a dataset still predicting is dropped
  dataset_cancel_ = std::make_shared<std::atomic<bool>>(false);
  center_tabs_->setCurrentIndex(kDatasetTab);
  dataset_pane_->show_running(path);
  QPointer<DatasetPane> pane = dataset_pane_;
  DatasetPredictOptions options;
  options.progress = [pane, cancel = dataset_cancel_](size_t done, size_t total) {
    if (*cancel) return false;  // a later run's bar is not this run's
    QMetaObject::invokeMethod(pane, [pane, done, total] {
      if (pane) pane->show_progress(done, total);
    });
    return true;
  };
  auto model = model_;
  dataset_watcher_.setFuture(
      QtConcurrent::run(&engine_, [model, options, path = path.toStdString(), session = session_] {
        return run_guarded(session, -1, [&]() -> Result<DatasetRun> {
          auto dataset = open_dataset(path, model->card());
          if (!dataset) return Error{dataset.error()};
          DatasetRun run;
          run.dataset = std::make_shared<const Dataset>(std::move(dataset).value());
          auto predictions = predict_dataset(*model, *run.dataset, options);
          if (!predictions) return Error{predictions.error()};
          run.predictions = std::move(predictions).value();
          return run;
        });
      }));
}

void MainWindow::show_dataset(const DatasetOutcome& outcome) {
  if (outcome.session != session_) return;
  if (!outcome.result) {
    dataset_pane_->show_error(outcome.error == QStringLiteral("cancelled") ? tr("Prediction cancelled.")
                                                                           : outcome.error);
    Q_EMIT datasetShown(outcome.error);
    return;
  }
  dataset_run_ = outcome.result;
  dataset_model_path_ = model_path_;
  dataset_pane_->show_predictions(dataset_run_->dataset, dataset_run_->predictions);
  statusBar()->showMessage(tr("%1 images predicted").arg(dataset_run_->predictions.size()));
  Q_EMIT datasetShown(QString());
}

void MainWindow::compare_dataset_image(int index) {
  const int count = dataset_run_ ? static_cast<int>(dataset_run_->predictions.size()) : 0;
  if (!model_ || !dataset_run_ || index < 0 || index >= count) {
    show_error(tr("Cannot compare"),
               dataset_run_ ? tr("The dataset has no image %1 (it has %2).").arg(index).arg(count)
                            : tr("Open and predict a dataset first."));
    return;
  }
  statusBar()->showMessage(tr("Finding the nearest correctly classified image of the same class..."));
  auto model = model_;
  pair_watcher_.setFuture(QtConcurrent::run(&engine_, [model, run = dataset_run_, index, session = session_] {
    return run_guarded(session, index, [&]() -> Result<ComparePair> {
      const Dataset& dataset = *run->dataset;
      ComparePair pair;
      std::vector<size_t> chosen = {static_cast<size_t>(index)};
      auto partner = propose_partner(*model, dataset, run->predictions, chosen.front());
      if (partner) {
        chosen.push_back(partner.value());
      } else {
        pair.note = partner.error();
      }
      std::vector<InputImage> inputs;
      for (size_t i : chosen) {
        auto input = dataset.input(i, model->card());
        if (!input) return Error{input.error()};
        inputs.push_back(std::move(input).value());
      }
      auto logits = model->logits(inputs);
      if (!logits) return Error{logits.error()};
      for (size_t k = 0; k < chosen.size(); ++k) {
        pair.images.push_back(
            {std::move(inputs[k]), top_classes(logits.value()[k], 5), dataset.images[chosen[k]].true_class});
      }
      return pair;
    });
  }));
}

void MainWindow::show_pair(const PairOutcome& outcome) {
  if (outcome.session != session_) return;
  if (!outcome.result) {
    show_error(tr("Cannot compare"), outcome.error);
    return;
  }
  const auto& images = outcome.result->images;
  const int a = add_image(images.front());
  const int b = images.size() > 1 ? add_image(images[1]) : -1;
  select_image(a);
  if (b >= 0) {
    set_compare_image(b);
    return;
  }
  set_compare_image(-1);
  {
    const QSignalBlocker block(center_tabs_);  // no proposal among the open images over this note
    center_tabs_->setCurrentIndex(kCompareTab);
  }
  compare_pane_->clear(tr("No image to compare with: %1").arg(QString::fromStdString(outcome.result->note)));
}

int MainWindow::add_image(const LoadedImage& image) {
  // The same image (name and pixels) is not added twice; what a dataset
  // knows of its true class is kept.
  for (size_t i = 0; i < images_.size(); ++i) {
    LoadedImage& open = images_[i];
    if (open.input.name != image.input.name || open.input.tensor != image.input.tensor) continue;
    if (image.true_class >= 0 && open.true_class != image.true_class) {
      open.true_class = image.true_class;
      describe_strip_item(image_strip_->item(static_cast<int>(i)), open);
    }
    return static_cast<int>(i);
  }
  images_.push_back(image);
  {
    const QSignalBlocker block(image_strip_);
    add_strip_item(image);
  }
  refresh_compare_choices();
  return static_cast<int>(images_.size()) - 1;
}

void MainWindow::add_strip_item(const LoadedImage& image) {
  auto* item = new QListWidgetItem(image_strip_);
  item->setIcon(QIcon(scaled_pixmap(image.input.display, 72, Qt::FastTransformation)));
  item->setToolTip(QString::fromStdString(image.input.name));
  describe_strip_item(item, image);
}

// The caption: file name, predicted class and confidence, and the true class
// when known (misclassified images in red).
void MainWindow::describe_strip_item(QListWidgetItem* item, const LoadedImage& image) const {
  const ModelCard& card = model_->card();
  QString caption = QFileInfo(QString::fromStdString(image.input.name)).fileName();
  if (!image.top.empty()) {
    caption += QStringLiteral("\n%1 (%2%)")
                   .arg(QString::fromStdString(card.label(image.top[0].class_index)))
                   .arg(image.top[0].probability * 100.0, 0, 'f', 1);
  }
  if (image.true_class >= 0) {
    caption += image.misclassified()
                   ? tr("\ntrue: %1").arg(QString::fromStdString(card.label(image.true_class)))
                   : tr("\ncorrect");
  }
  item->setText(caption);
  item->setForeground(image.misclassified() ? QBrush(QColor(200, 40, 40)) : image_strip_->palette().text());
  item->setData(kClassRole, image.top.empty() ? -1 : image.top[0].class_index);
}

// The images B can be chosen from, keeping the chosen one.
void MainWindow::refresh_compare_choices() {
  QStringList names;
  for (const auto& image : images_) names << QFileInfo(QString::fromStdString(image.input.name)).fileName();
  compare_pane_->set_images(names);
  compare_pane_->set_image_b(compare_image_);
}

// ---------------------------------------------------------------------------
// Export

Status MainWindow::export_grid(const QString& path) {
  if (!grid_view_->has_view()) return Error{"no grid to export: open a model and an image"};
  return write_file_atomically(path.toStdString(), encode_png(grid_view_->view().grid.image));
}

Status MainWindow::export_comparison(const QString& path) {
  if (!capture_ || !compare_capture_ || compare_image_ < 0) {
    return Error{"nothing to export: compare two images first (the Compare tab)"};
  }
  // The Compare tab is drawn only while it shows: bring it up to date with
  // the current images and layer first.
  if (compare_pane_->shown_a() != capture_image_ || compare_pane_->shown_b() != compare_image_ ||
      compare_pane_->layer() != current_layer_.toStdString()) {
    render_compare();
  }
  if (compare_pane_->shown_a() < 0) {
    return Error{"nothing to export: " + current_layer_.toStdString() + " cannot be compared"};
  }
  const auto a = explanations_.value(compare_pane_->shown_a());
  const auto b = explanations_.value(compare_pane_->shown_b());
  if (!a || !b) return Error{"the two images' predictions and Grad-CAMs are still being computed; try again"};
  const ComparisonFigures figures =
      compose_comparison(model_->card(), compare_pane_->layer(), *a, *b, compare_pane_->comparison());
  return write_file_atomically(path.toStdString(), encode_png(figures.sheet));
}

Status MainWindow::export_cam(const QString& path) {
  if (!cam_) return Error{"no Grad-CAM to export yet"};
  return write_file_atomically(path.toStdString(), encode_png(cam_pane_->overlay()));
}

void MainWindow::export_all_layers(const QString& folder) {
  if (!model_ || current_image_ < 0) {
    Q_EMIT exportFinished(tr("no model or image to export"));
    return;
  }
  export_cancel_ = std::make_shared<std::atomic<bool>>(false);
  auto* dialog = new QProgressDialog(tr("Exporting every layer..."), tr("Cancel"), 0, 100, this);
  dialog->setObjectName(QStringLiteral("exportProgress"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowModality(Qt::WindowModal);
  dialog->setMinimumDuration(300);
  auto cancel = export_cancel_;
  connect(dialog, &QProgressDialog::canceled, this, [cancel] { *cancel = true; });
  connect(&export_watcher_, &QFutureWatcher<QString>::finished, dialog, &QProgressDialog::close);
  ExportOptions options;
  auto normalization = parse_normalization(normalization_->currentText().toStdString());
  if (normalization) options.normalization = normalization.value();
  auto colormap = parse_colormap(colormap_->currentText().toStdString());
  if (colormap) options.colormap = colormap.value();
  options.sort_by_mean = sort_by_mean_->isChecked();
  options.top_k = top_k_->value();
  QPointer<QProgressDialog> progress = dialog;
  options.progress = [progress, cancel](size_t done, size_t total) {
    QMetaObject::invokeMethod(progress, [progress, done, total] {
      if (!progress) return;
      progress->setMaximum(static_cast<int>(total));
      progress->setValue(static_cast<int>(done));
    });
    return !*cancel;
  };
  auto model = model_;
  const InputImage input = images_[current_image_].input;
  const std::string out = folder.toStdString();
  statusBar()->showMessage(tr("Exporting every layer to %1...").arg(folder));
  export_watcher_.setFuture(QtConcurrent::run(&engine_, [model, input, out, options] {
    try {
      auto summary = export_activations(*model, input, input.name, out, options);
      return summary ? QString() : QString::fromStdString(summary.error());
    } catch (const std::exception& e) {
      return QString::fromStdString(e.what());
    }
  }));
}

}  // namespace actscope
