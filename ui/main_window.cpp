#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include "core/version.h"
#include "ui/card_dialog.h"

namespace actscope {
namespace {

std::vector<std::string> to_std(const QStringList& list) {
  std::vector<std::string> result;
  for (const auto& item : list) result.push_back(item.toStdString());
  return result;
}

QPixmap thumbnail(const RgbImage& image, int size) {
  QImage view(image.pixels.data(), image.width, image.height, image.width * 3, QImage::Format_RGB888);
  return QPixmap::fromImage(view.scaled(size, size, Qt::KeepAspectRatio, Qt::FastTransformation));
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
  text += QStringLiteral("<br><br>classes:");
  for (size_t i = 0; i < card.labels.size(); ++i) {
    text += QStringLiteral("<br>%1 %2").arg(i).arg(QString::fromStdString(card.labels[i]).toHtmlEscaped());
  }
  return text;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_summary_(new QLabel(this)), image_strip_(new QListWidget(this)) {
  setWindowTitle(QStringLiteral("actscope"));
  resize(1100, 720);
  image_strip_->setObjectName(QStringLiteral("imageStrip"));
  image_strip_->setViewMode(QListView::IconMode);
  image_strip_->setIconSize(QSize(112, 112));
  image_strip_->setResizeMode(QListView::Adjust);
  image_strip_->setMovement(QListView::Static);
  image_strip_->setSpacing(8);
  image_strip_->setWordWrap(true);
  setCentralWidget(image_strip_);

  model_summary_->setObjectName(QStringLiteral("modelSummary"));
  model_summary_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  model_summary_->setMargin(8);
  model_summary_->setTextFormat(Qt::RichText);
  auto* dock = new QDockWidget(tr("Model"), this);
  dock->setObjectName(QStringLiteral("modelDock"));
  dock->setWidget(model_summary_);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  build_menus();
  connect(&loader_, &QFutureWatcher<Session>::finished, this, [this] { show_session(loader_.result()); });
  statusBar()->showMessage(tr("No model open"));
}

MainWindow::~MainWindow() { loader_.waitForFinished(); }

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open_model = file->addAction(tr("Open &Model..."), this, &MainWindow::open_model_dialog);
  open_model->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open &Images..."), this, &MainWindow::open_images_dialog);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About actscope"), this, [this] {
    QMessageBox::about(this, tr("About actscope"),
                       tr("actscope %1\nSee what every filter of a CNN sees.")
                           .arg(QString::fromStdString(actscope::version())));
  });
}

void MainWindow::open(const QString& model_path, const QStringList& image_paths,
                      const std::optional<ModelCard>& card) {
  model_path_ = model_path;
  image_paths_ = image_paths;
  statusBar()->showMessage(tr("Loading %1...").arg(QFileInfo(model_path).fileName()));
  // A superseded load still finishes on its thread; QFutureWatcher only
  // reports the future it watches now, so its result is dropped.
  loader_.setFuture(QtConcurrent::run(load_session, model_path.toStdString(), to_std(image_paths), card));
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

void MainWindow::show_session(const Session& session) {
  if (session.needs_card) {
    ask_for_card(session);
    return;
  }
  image_strip_->clear();
  model_summary_->setText(session.model ? card_summary(*session.model) : tr("No model"));
  for (const auto& image : session.images) {
    const QString file = QFileInfo(QString::fromStdString(image.input.name)).fileName();
    QString caption = file;
    if (!image.top.empty()) {
      caption += QStringLiteral("\n%1 (%2%)")
                     .arg(QString::fromStdString(session.model->card().label(image.top[0].class_index)))
                     .arg(image.top[0].probability * 100.0, 0, 'f', 1);
    }
    auto* item = new QListWidgetItem(QIcon(thumbnail(image.input.display, 112)), caption, image_strip_);
    item->setData(Qt::UserRole, image.top.empty() ? -1 : image.top[0].class_index);
  }
  QStringList errors;
  for (const auto& error : session.errors) errors << QString::fromStdString(error);
  if (errors.isEmpty()) {
    statusBar()->showMessage(
        tr("%1: %2 images").arg(QFileInfo(model_path_).fileName()).arg(session.images.size()));
  } else {
    statusBar()->showMessage(errors.front());
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Some files could not be opened"), errors.join('\n'),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("loadErrors"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // window-modal and non-blocking: the event loop keeps running
  }
  Q_EMIT sessionShown(errors);
}

void MainWindow::open_model_dialog() {
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open TorchScript model"), QString(),
                                   tr("TorchScript models (*.pt *.pth *.ptl);;All files (*)"));
  if (!path.isEmpty()) open(path, image_paths_);
}

void MainWindow::open_images_dialog() {
  const QStringList paths = QFileDialog::getOpenFileNames(
      this, tr("Open images"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
  if (!paths.isEmpty() && !model_path_.isEmpty()) open(model_path_, paths);
}

}  // namespace actscope
