#include "ui/shell/main_window.h"

#include <initializer_list>

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include "core/base/version.h"
#include "ui/controllers/activations_controller.h"
#include "ui/controllers/atlas_controller.h"
#include "ui/controllers/embedding_controller.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/compare_controller.h"
#include "ui/controllers/dataset_controller.h"
#include "ui/controllers/export_controller.h"
#include "ui/controllers/models_controller.h"
#include "ui/controllers/session_controller.h"
#include "ui/controllers/timeline_controller.h"
#include "ui/controllers/visualize_controller.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/cam_pane.h"
#include "ui/panes/compare_pane.h"
#include "ui/panes/dataset_pane.h"
#include "ui/panes/filters_pane.h"
#include "ui/panes/image_strip.h"
#include "ui/panes/layer_tree.h"
#include "ui/panes/model_summary.h"
#include "ui/panes/models_pane.h"
#include "ui/panes/picture_pane.h"
#include "ui/panes/timeline_pane.h"
#include "ui/panes/visualization_pane.h"
#include "ui/panes/visualize_layer_pane.h"
#include "ui/shell/shortcuts_dialog.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

// zoom_grids' factors that are not factors.
constexpr double kFit = 0.0;
constexpr double kActualSize = -1.0;

// Fits, shows at 1:1 or zooms by `factor` a pane's grids.
template <typename Pane>
void zoom_pane(Pane* pane, double factor) {
  if (factor == kFit) {
    pane->fit_grids();
  } else if (factor == kActualSize) {
    pane->actual_size();
  } else {
    pane->zoom_by(factor);
  }
}

// A pane in a scroll area that gives it the dock's whole size once the dock
// is large enough, and scroll bars when the window is made smaller than the
// pane needs (on a laptop screen): never cut off.
QWidget* scrolled_to_fit(QWidget* pane) {
  if (qobject_cast<QAbstractScrollArea*>(pane)) return pane;  // scrolls by itself
  auto* area = new QScrollArea;
  area->setObjectName(pane->objectName() + QStringLiteral("Scroll"));
  area->setWidget(pane);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  return area;
}

// Pages not in sight take no part in the size the window needs: a wide
// Dataset table must not squeeze Browse's docks (a stacked widget otherwise
// asks for the largest of its pages).
void size_by_current_page(QStackedWidget* pages) {
  auto apply = [pages] {
    for (int i = 0; i < pages->count(); ++i) {
      const bool current = i == pages->currentIndex();
      pages->widget(i)->setSizePolicy(current ? QSizePolicy::Preferred : QSizePolicy::Ignored,
                                      current ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    pages->updateGeometry();
  };
  QObject::connect(pages, &QStackedWidget::currentChanged, pages, apply);
  apply();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      worker_(std::make_unique<EngineWorker>()),
      workspace_(std::make_unique<Workspace>()) {
  setWindowTitle(QStringLiteral("actscope"));
  setAcceptDrops(true);
  session_ = new SessionController(*workspace_, *worker_, this);
  activations_ = new ActivationsController(*workspace_, *worker_, this);
  cam_ = new CamController(*workspace_, *worker_, this);
  compare_ = new CompareController(*workspace_, *worker_, this);
  dataset_ = new DatasetController(*workspace_, *worker_, this);
  export_ = new ExportController(*workspace_, *worker_, this);
  atlas_ = new AtlasController(*workspace_, *worker_, this);
  embedding_ = new EmbeddingController(*workspace_, *worker_, this);
  models_ = new ModelsController(*workspace_, *worker_, this);
  timeline_ = new TimelineController(*workspace_, *worker_, this);
  visualize_ = new VisualizeController(*workspace_, *worker_, this);
  for (Controller* controller :
       std::initializer_list<Controller*>{session_, activations_, cam_, compare_, dataset_, export_, atlas_,
                                          embedding_, models_, timeline_, visualize_}) {
    wire(controller);
  }
  connect(embedding_, &EmbeddingController::browseRequested, this, [this] { show_page(activations_->pane()); });
  connect(timeline_, &TimelineController::browseRequested, this, [this] { show_page(activations_->pane()); });
  connect(session_, &SessionController::sessionShown, this, &MainWindow::sessionShown);
  connect(dataset_, &DatasetController::datasetShown, this, &MainWindow::datasetShown);
  connect(workspace_.get(), &Workspace::modelChanged, this, &MainWindow::show_title);
  connect(workspace_.get(), &Workspace::secondModelChanged, this, &MainWindow::show_title);
  build_views();
  build_view_bar();
  build_docks();
  build_menus();
  default_state_ = saveState();
  place_on_screen();
  apply_default_layout(kBrowse);
  restore_settings();
  statusBar()->showMessage(tr("No model open"));
}

MainWindow::~MainWindow() {
  worker_.reset();  // cancels long jobs and waits for the one that runs
  // The controllers go before the panes they listen to and the workspace they use.
  for (Controller* controller :
       std::initializer_list<Controller*>{session_, activations_, cam_, compare_, dataset_, export_, atlas_,
                                          embedding_, models_, timeline_, visualize_}) {
    delete controller;
  }
}

void MainWindow::open(const QString& model_path, const QStringList& image_paths,
                      const std::optional<ModelCard>& card) {
  session_->open(model_path, image_paths, card);
}

bool MainWindow::open_files(const QStringList& paths) { return session_->open_files(paths); }

void MainWindow::set_card_overrides(const CardOverrides& overrides) { session_->set_card_overrides(overrides); }

void MainWindow::set_preferred_layer(const QString& name) { activations_->set_preferred_layer(name); }

void MainWindow::load_dataset(const QString& path) {
  dataset_->load(path);
  embedding_->set_dataset(path);  // the Embedding view's dataset until the user chooses another
}

void MainWindow::embed_dataset(const QString& path) {
  embedding_->run(path, embedding_->pane()->settings());
}

void MainWindow::open_second_model(const QString& path) { models_->open_second_model(path); }

void MainWindow::open_training_run(const QString& folder) { timeline_->open_run(folder); }

void MainWindow::show_title() {
  QString title = QStringLiteral("actscope - %1").arg(QFileInfo(workspace_->model_path()).fileName());
  if (workspace_->second_model()) {
    title += tr(" (B: %1)").arg(QFileInfo(workspace_->second_model_path()).fileName());
  }
  setWindowTitle(title);
}

void MainWindow::open_atlas(const QString& path) {
  atlas_->open_atlas(path);
  show_view(kFilters);
}

void MainWindow::compare_dataset_image(int index) { dataset_->compare_image(index); }

void MainWindow::wire(Controller* controller) {
  connect(controller, &Controller::statusChanged, this,
          [this](const QString& text) { statusBar()->showMessage(text); });
  connect(controller, &Controller::errorRaised, this, &MainWindow::show_error);
  connect(controller, &Controller::pageRequested, this, &MainWindow::show_page);
}

// The views' pages, one above the other: Browse is the layer's grid, its
// weights and the enlarged filter as tabs; the others are one pane each.
void MainWindow::build_views() {
  browse_tabs_ = new QTabWidget;
  browse_tabs_->setObjectName(QStringLiteral("browseTabs"));
  browse_tabs_->setDocumentMode(true);
  browse_tabs_->addTab(activations_->pane(), tr("Activations"));
  browse_tabs_->addTab(activations_->weights(), tr("Weights"));
  browse_tabs_->addTab(activations_->enlarged(), tr("Enlarged filter"));
  activations_->enlarged()->add_beside(visualize_->enlarged_panel());
  // The Filters view: the atlas' table with the visualization's grid as a
  // tab beside it, the chosen filter's synthesized image above its top images.
  atlas_->pane()->add_page(visualize_->layer_pane(), tr("Visualization"));
  atlas_->pane()->add_panel_above_top(visualize_->filters_panel());
  atlas_->pane()->add_button(visualize_->visualize_action());
  compare_->pane()->setObjectName(QStringLiteral("comparePane"));
  dataset_->pane()->setObjectName(QStringLiteral("datasetPane"));
  views_ = new QStackedWidget;
  views_->setObjectName(QStringLiteral("views"));
  views_->addWidget(browse_tabs_);  // in the order of View
  views_->addWidget(compare_->pane());
  views_->addWidget(dataset_->pane());
  views_->addWidget(atlas_->pane());
  embedding_->pane()->setObjectName(QStringLiteral("embeddingPane"));
  views_->addWidget(embedding_->pane());
  views_->addWidget(models_->pane());
  views_->addWidget(timeline_->pane());
  setCentralWidget(views_);
  size_by_current_page(views_);
  size_by_current_page(browse_tabs_->findChild<QStackedWidget*>(QString(), Qt::FindDirectChildrenOnly));
  auto page_changed = [this] {
    activations_->set_current_page(current_page());
    compare_->set_current_page(current_page());
    models_->set_current_page(current_page());
    visualize_->set_current_page(current_page());
  };
  connect(browse_tabs_, &QTabWidget::currentChanged, this, page_changed);
  connect(views_, &QStackedWidget::currentChanged, this, page_changed);
}

// The bar of views on the left, as an IDE's modes: one button per task, the
// chosen one checked; Ctrl+1 .. Ctrl+7.
void MainWindow::build_view_bar() {
  auto* bar = new QToolBar(tr("Views"), this);
  bar->setObjectName(QStringLiteral("viewBar"));
  bar->setMovable(false);
  bar->setFloatable(false);
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  bar->toggleViewAction()->setVisible(false);  // the views are always in reach
  auto* group = new QActionGroup(this);
  const QString titles[kViews] = {tr("Browse"),    tr("Compare"), tr("Dataset"), tr("Filters"),
                                  tr("Embedding"), tr("Models"),  tr("Timeline")};
  const QString tips[kViews] = {
      tr("Browse: one image's layers as grids, the weights and the Grad-CAM pane"),
      tr("Compare: two images' grids side by side, their difference and their CAMs"),
      tr("Dataset: a whole dataset predicted, the wrong images and the confusion matrix"),
      tr("Filters: what every filter of the layer does over a scanned dataset"),
      tr("Embedding: where a dataset's images sit in a layer's features (t-SNE, PCA)"),
      tr("Models: how alike the layers of the open model and a second model are (CKA)"),
      tr("Timeline: a model across its training checkpoints (accuracy, dead filters, CKA to the last)")};
  const char* names[kViews] = {"viewBrowse",    "viewCompare", "viewDataset", "viewFilters",
                               "viewEmbedding", "viewModels",  "viewTimeline"};
  for (int view = 0; view < kViews; ++view) {
    QAction* action = bar->addAction(titles[view]);
    action->setObjectName(QString::fromLatin1(names[view]));
    action->setCheckable(true);
    action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + view)));
    action->setShortcutContext(Qt::WindowShortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tips[view], action->shortcut().toString(QKeySequence::NativeText)));
    group->addAction(action);
    connect(action, &QAction::triggered, this, [this, view] { show_view(static_cast<View>(view)); });
    view_actions_ << action;
  }
  view_actions_[kBrowse]->setChecked(true);
  addToolBar(Qt::LeftToolBarArea, bar);
}

QStringList MainWindow::default_docks(View view) {
  switch (view) {
    case kBrowse:
      return {QStringLiteral("layersDock"), QStringLiteral("modelDock"), QStringLiteral("camDock"),
              QStringLiteral("imagesDock")};
    case kCompare:
      return {QStringLiteral("layersDock"), QStringLiteral("modelDock"), QStringLiteral("imagesDock")};
    case kFilters:
      return {QStringLiteral("layersDock"), QStringLiteral("modelDock")};
    case kEmbedding:  // the plot gets the room; a clicked point's image joins the strip
    case kModels:     // the heatmap gets the room; the strip chooses the image its two layers are drawn for
      return {QStringLiteral("imagesDock")};
    default:
      return {};
  }
}

// The docks as built (Model behind Layers, Grad-CAM on the right, the
// images below), showing only those `view` uses.
void MainWindow::apply_default_layout(View view) {
  restoreState(default_state_);
  const QStringList shown = default_docks(view);
  for (QDockWidget* dock : docks_) {
    dock->setFloating(false);
    dock->setVisible(shown.contains(dock->objectName()));
  }
  if (auto* layers = findChild<QDockWidget*>(QStringLiteral("layersDock")); layers && !layers->isHidden()) {
    layers->raise();  // the tree in front of the card
  }
  size_side_docks();  // the state was saved before the window had its size
}

void MainWindow::show_view(View view) {
  view_actions_[view]->setChecked(true);
  if (view == current_view_ && views_->currentIndex() == view) return;
  view_states_[current_view_] = saveState();
  current_view_ = view;
  if (view_states_[view].isEmpty() || !restoreState(view_states_[view])) apply_default_layout(view);
  views_->setCurrentIndex(view);
}

QWidget* MainWindow::current_page() const {
  QWidget* page = views_->currentWidget();
  return page == browse_tabs_ ? browse_tabs_->currentWidget() : page;
}

void MainWindow::show_page(QWidget* page) {
  // Up from the page: each tab widget on the way shows the tab holding it
  // (a tab's page sits in the tab widget's stack), then its view comes.
  for (QWidget* child = page; child; child = child->parentWidget()) {
    QWidget* parent = child->parentWidget();
    if (parent == views_) {
      show_view(static_cast<View>(views_->indexOf(child)));
      return;
    }
    auto* tabs = parent ? qobject_cast<QTabWidget*>(parent->parentWidget()) : nullptr;
    if (tabs && tabs->indexOf(child) >= 0) tabs->setCurrentWidget(child);
  }
}

void MainWindow::build_docks() {
  auto dock = [this](const QString& title, const QString& name, QWidget* pane, Qt::DockWidgetArea area) {
    auto* created = new QDockWidget(title, this);
    created->setObjectName(name);
    created->setWidget(scrolled_to_fit(pane));
    addDockWidget(area, created);
    docks_ << created;
  };
  // Left: the layer tree with its search box, and the model card.
  dock(tr("Layers"), QStringLiteral("layersDock"), activations_->tree(), Qt::LeftDockWidgetArea);
  dock(tr("Model"), QStringLiteral("modelDock"), session_->summary(), Qt::LeftDockWidgetArea);
  tabifyDockWidget(docks_[0], docks_[1]);  // the layer tree gets the height; the card a tab away
  // Right: Grad-CAM and predictions. Bottom: the images, one thin row.
  dock(tr("Grad-CAM"), QStringLiteral("camDock"), cam_->pane(), Qt::RightDockWidgetArea);
  dock(tr("Images"), QStringLiteral("imagesDock"), session_->strip(), Qt::BottomDockWidgetArea);
  view_states_ = QList<QByteArray>(kViews);
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addActions({session_->open_model_action(), models_->open_second_action(), models_->close_second_action(),
                    session_->open_images_action(), session_->replace_images_action(), dataset_->open_action(),
                    atlas_->scan_action(), atlas_->open_action(), visualize_->visualize_action(),
                    embedding_->embed_action(),
                    timeline_->open_action()});
  file->addMenu(session_->recent_menu());
  file->addSeparator();
  file->addActions({activations_->export_action(), cam_->export_action(), compare_->export_action(),
                    export_->export_all_action()});
  file->addSeparator();
  file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addActions(view_actions_);  // Ctrl+1 .. Ctrl+7: the views
  view->addSeparator();
  const QList<QAction*> browsing = activations_->view_actions();
  view->addActions(browsing.mid(0, 2));  // previous and next layer
  view->addAction(session_->next_image_action());
  view->addActions(browsing.mid(2));  // back to the grid
  view->addActions(build_zoom_actions());
  for (QAction* action : view->actions()) action->setShortcutContext(Qt::WindowShortcut);
  view->addSeparator();
  view->setToolTipsVisible(true);
  for (QDockWidget* dock : docks_) {
    QAction* toggle = dock->toggleViewAction();
    toggle->setToolTip(tr("Show or hide the %1 panel").arg(dock->windowTitle()));
    view->addAction(toggle);
  }
  reset_layout_ = view->addAction(tr("&Reset Layout"), this, &MainWindow::reset_layout);
  reset_layout_->setObjectName(QStringLiteral("resetLayoutAction"));
  reset_layout_->setToolTip(tr("Every panel back in its place, the window back to its size"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Shortcuts"), this, [this] { show_shortcuts_dialog(this); });
  help->addAction(tr("&About actscope"), this, &MainWindow::show_about);
}

QString MainWindow::about_text() {
  const LibraryVersions libraries = library_versions();
  return tr("<h3>actscope %1</h3><p>See what every filter of a convolutional network sees.</p>"
            "<p>actscope is free software under the BSD 3-Clause license.</p>"
            "<p>Built with:<br>LibTorch %2 (BSD 3-Clause)<br>Qt %3, running on Qt %4 (LGPL 3)<br>"
            "OpenCV %5 (Apache 2.0)<br>CLI11 (BSD 3-Clause), nlohmann-json (MIT)</p>")
      .arg(QString::fromStdString(version()), QString::fromStdString(libraries.torch),
           QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
           QString::fromStdString(libraries.opencv));
}

void MainWindow::show_about() {
  auto* box = new QMessageBox(QMessageBox::Information, tr("About actscope"), about_text(), QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("aboutDialog"));
  box->setIconPixmap(windowIcon().pixmap(64, 64));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void MainWindow::show_error(const QString& title, const QString& message) {
  statusBar()->showMessage(message);
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setObjectName(QStringLiteral("errorMessage"));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();  // window-modal and non-blocking: the event loop keeps running
}

// Zoom in and out, fit (Ctrl+0) and 1:1, for the grids of the view in
// sight: Browse's grid (the one beside it follows) or Compare's three (which
// move together).
QList<QAction*> MainWindow::build_zoom_actions() {
  auto zoom = [this](const QString& text, const QKeySequence& keys, const char* name, double factor) {
    auto* action = new QAction(text, this);
    action->setShortcut(keys);
    action->setObjectName(QString::fromLatin1(name));
    connect(action, &QAction::triggered, this, [this, factor] { zoom_grids(factor); });
    return action;
  };
  return {zoom(tr("Zoom &In"), QKeySequence::ZoomIn, "zoomInAction", 1.25),
          zoom(tr("Zoom &Out"), QKeySequence::ZoomOut, "zoomOutAction", 0.8),
          zoom(tr("&Fit Grid"), QKeySequence(Qt::CTRL | Qt::Key_0), "fitGridAction", kFit),
          zoom(tr("&Actual Size (1:1)"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_0), "actualSizeAction",
               kActualSize)};
}

void MainWindow::zoom_grids(double factor) {
  if (current_view_ == kCompare) {
    zoom_pane(compare_->pane(), factor);  // its three grids move together
  } else if (current_page() == activations_->pane()) {
    zoom_pane(activations_->pane(), factor);  // the grid beside follows
  }
}

// ---------------------------------------------------------------------------
// Layout, settings, drops

void MainWindow::reset_layout() {
  for (QByteArray& state : view_states_) state.clear();
  apply_default_layout(current_view_);
  place_on_screen();
}

// The default size (1400x880, the most of the screen's free area it may
// take) and centred in that area, never smaller than the panes need.
void MainWindow::place_on_screen() {
  const QRect available = screen()->availableGeometry();
  QSize size = QSize(1400, 880).boundedTo(available.size() * 0.95);
  size = size.expandedTo(minimumSizeHint());
  resize(size);
  move(available.center() - QPoint(size.width() / 2, size.height() / 2));
  size_side_docks();
}

// The layer tree wide enough for its names (narrower on a small window),
// the Grad-CAM panel for two pictures side by side. Again once the window
// is laid out: before that the centre's minimum may squeeze the docks.
void MainWindow::size_side_docks() {
  const QList<QDockWidget*> sides{findChild<QDockWidget*>(QStringLiteral("layersDock")),
                                  findChild<QDockWidget*>(QStringLiteral("camDock"))};
  const bool narrow = width() < 1200;
  const QList<int> widths{narrow ? 170 : 200, narrow ? 300 : 320};
  resizeDocks(sides, widths, Qt::Horizontal);
  QTimer::singleShot(0, this, [this, sides, widths] { resizeDocks(sides, widths, Qt::Horizontal); });
}

// The saved window and docks come back only when the window fits the screen
// it is now on: a layout saved on a larger monitor would cut panes off.
void MainWindow::restore_settings() {
  QSettings settings;
  const QSize saved = settings.value(QStringLiteral("window/size")).toSize();
  const QSize available = screen()->availableGeometry().size();
  if (saved.isValid() && saved.width() <= available.width() && saved.height() <= available.height()) {
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    for (int view = 0; view < kViews; ++view) {
      view_states_[view] = settings.value(QStringLiteral("layout/view%1").arg(view)).toByteArray();
    }
    const int shown = settings.value(QStringLiteral("layout/current"), 0).toInt();
    const View view = shown >= 0 && shown < kViews ? static_cast<View>(shown) : kBrowse;
    current_view_ = view;
    views_->setCurrentIndex(view);
    view_actions_[view]->setChecked(true);
    if (view_states_[view].isEmpty() || !restoreState(view_states_[view])) apply_default_layout(view);
  }
  activations_->pane()->restore(settings.value(QStringLiteral("view/normalization")).toString(),
                                settings.value(QStringLiteral("view/colormap")).toString());
}

void MainWindow::save_settings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/size"), frameGeometry().size());
  QList<QByteArray> states = view_states_;
  states[current_view_] = saveState();
  for (int view = 0; view < kViews; ++view) settings.setValue(QStringLiteral("layout/view%1").arg(view), states[view]);
  settings.setValue(QStringLiteral("layout/current"), static_cast<int>(current_view_));
  settings.setValue(QStringLiteral("view/colormap"), workspace_->grid_settings().colormap);
  settings.setValue(QStringLiteral("view/normalization"), workspace_->grid_settings().normalization);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  save_settings();
  QMainWindow::closeEvent(event);
}

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

}  // namespace actscope
