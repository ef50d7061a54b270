#include "ui/shell/main_window.h"

#include <initializer_list>

#include <QAction>
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
#include <QTimer>
#include <QStatusBar>
#include <QTabWidget>

#include "core/base/version.h"
#include "ui/controllers/activations_controller.h"
#include "ui/controllers/atlas_controller.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/compare_controller.h"
#include "ui/controllers/dataset_controller.h"
#include "ui/controllers/export_controller.h"
#include "ui/controllers/session_controller.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/cam_pane.h"
#include "ui/panes/compare_pane.h"
#include "ui/panes/dataset_pane.h"
#include "ui/panes/filters_pane.h"
#include "ui/panes/image_strip.h"
#include "ui/panes/layer_tree.h"
#include "ui/panes/model_summary.h"
#include "ui/panes/picture_pane.h"
#include "ui/shell/shortcuts_dialog.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

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
  for (Controller* controller :
       std::initializer_list<Controller*>{session_, activations_, cam_, compare_, dataset_, export_, atlas_}) {
    wire(controller);
  }
  connect(session_, &SessionController::sessionShown, this, &MainWindow::sessionShown);
  connect(dataset_, &DatasetController::datasetShown, this, &MainWindow::datasetShown);
  connect(workspace_.get(), &Workspace::modelChanged, this, [this] {
    setWindowTitle(QStringLiteral("actscope - %1").arg(QFileInfo(workspace_->model_path()).fileName()));
  });
  build_tabs();
  build_docks();
  build_menus();
  default_state_ = saveState();
  place_on_screen();
  restore_settings();
  statusBar()->showMessage(tr("No model open"));
}

MainWindow::~MainWindow() {
  worker_.reset();  // cancels long jobs and waits for the one that runs
  // The controllers go before the panes they listen to and the workspace they use.
  for (Controller* controller :
       std::initializer_list<Controller*>{session_, activations_, cam_, compare_, dataset_, export_, atlas_}) {
    delete controller;
  }
}

void MainWindow::open(const QString& model_path, const QStringList& image_paths,
                      const std::optional<ModelCard>& card) {
  session_->open(model_path, image_paths, card);
}

bool MainWindow::open_files(const QStringList& paths) { return session_->open_files(paths); }

void MainWindow::set_preferred_layer(const QString& name) { activations_->set_preferred_layer(name); }

void MainWindow::load_dataset(const QString& path) { dataset_->load(path); }

void MainWindow::open_atlas(const QString& path) {
  atlas_->open_atlas(path);
  tabs_->setCurrentWidget(atlas_->pane());
}

void MainWindow::compare_dataset_image(int index) { dataset_->compare_image(index); }

void MainWindow::wire(Controller* controller) {
  connect(controller, &Controller::statusChanged, this,
          [this](const QString& text) { statusBar()->showMessage(text); });
  connect(controller, &Controller::errorRaised, this, &MainWindow::show_error);
  connect(controller, &Controller::pageRequested, this,
          [this](QWidget* page) { tabs_->setCurrentWidget(page); });
}

void MainWindow::build_tabs() {
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("centerTabs"));
  tabs_->addTab(activations_->pane(), tr("Activations"));
  tabs_->addTab(activations_->weights(), tr("Weights"));
  tabs_->addTab(activations_->enlarged(), tr("Enlarged filter"));
  compare_->pane()->setObjectName(QStringLiteral("comparePane"));
  tabs_->addTab(compare_->pane(), tr("Compare"));
  dataset_->pane()->setObjectName(QStringLiteral("datasetPane"));
  tabs_->addTab(dataset_->pane(), tr("Dataset"));
  tabs_->addTab(atlas_->pane(), tr("Filters"));
  setCentralWidget(tabs_);
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    activations_->set_current_page(tabs_->currentWidget());
    compare_->set_current_page(tabs_->currentWidget());
  });
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
  // Right: Grad-CAM and predictions. Bottom: the images.
  dock(tr("Grad-CAM"), QStringLiteral("camDock"), cam_->pane(), Qt::RightDockWidgetArea);
  dock(tr("Images"), QStringLiteral("imagesDock"), session_->strip(), Qt::BottomDockWidgetArea);
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addActions({session_->open_model_action(), session_->open_images_action(), session_->replace_images_action(),
                    dataset_->open_action(),
                    atlas_->scan_action(), atlas_->open_action()});
  file->addMenu(session_->recent_menu());
  file->addSeparator();
  file->addActions({activations_->export_action(), cam_->export_action(), compare_->export_action(),
                    export_->export_all_action()});
  file->addSeparator();
  file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  const QList<QAction*> browsing = activations_->view_actions();
  view->addActions(browsing.mid(0, 2));  // previous and next layer
  view->addAction(session_->next_image_action());
  view->addActions(browsing.mid(2));  // back to the grid, zoom
  for (QAction* action : view->actions()) action->setShortcutContext(Qt::WindowShortcut);
  view->addSeparator();
  for (int page = 0; page < tabs_->count(); ++page) {  // Ctrl+1 .. Ctrl+5: the centre's tabs
    QAction* go = view->addAction(tabs_->tabText(page), this, [this, page] { tabs_->setCurrentIndex(page); });
    go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + page)));
    go->setShortcutContext(Qt::WindowShortcut);
  }
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

// ---------------------------------------------------------------------------
// Layout, settings, drops

void MainWindow::reset_layout() {
  restoreState(default_state_);
  for (QDockWidget* dock : docks_) {
    dock->setFloating(false);
    dock->show();
  }
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
  // The layer tree wide enough for its names (narrower on a small screen),
  // the Grad-CAM panel for two pictures side by side. Again once the window
  // is laid out: before that the centre's minimum may squeeze the docks.
  const QList<QDockWidget*> sides{findChild<QDockWidget*>(QStringLiteral("layersDock")),
                                  findChild<QDockWidget*>(QStringLiteral("camDock"))};
  const QList<int> widths{size.width() < 1200 ? 170 : 230, 350};
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
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  }
  activations_->pane()->restore(settings.value(QStringLiteral("view/normalization")).toString(),
                                settings.value(QStringLiteral("view/colormap")).toString());
}

void MainWindow::save_settings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/size"), frameGeometry().size());
  settings.setValue(QStringLiteral("window/state"), saveState());
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
