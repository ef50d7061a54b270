#include "ui/controllers/session_controller.h"

#include <string>
#include <vector>

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

#include "ui/panes/card_dialog.h"
#include "ui/panes/image_strip.h"
#include "ui/panes/model_summary.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

const QStringList kModelSuffixes = {QStringLiteral("pt"), QStringLiteral("pth"), QStringLiteral("ptl")};

std::vector<std::string> to_std(const QStringList& list) {
  std::vector<std::string> result;
  for (const auto& item : list) result.push_back(item.toStdString());
  return result;
}

QString file_name(const QString& path) { return QFileInfo(path).fileName(); }

}  // namespace

SessionController::SessionController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window),
      workspace_(workspace),
      worker_(worker),
      window_(window),
      summary_(new ModelSummary),
      strip_(new ImageStrip) {
  open_model_ = new QAction(tr("Open &Model..."), this);
  open_model_->setShortcut(QKeySequence::Open);
  connect(open_model_, &QAction::triggered, this, &SessionController::open_model_dialog);
  open_images_ = new QAction(tr("Open &Images..."), this);
  connect(open_images_, &QAction::triggered, this, &SessionController::open_images_dialog);
  next_image_ = new QAction(tr("Next &Image"), this);
  next_image_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab));
  connect(next_image_, &QAction::triggered, this, [this] {
    const int count = static_cast<int>(workspace_.images().size());
    if (count > 0) workspace_.set_current_image((workspace_.current_image() + 1) % count);
  });
  recent_menu_ = new QMenu(tr("Open &Recent"), window);
  rebuild_recent_menu();

  connect(strip_, &ImageStrip::imageChosen, &workspace_, &Workspace::set_current_image);
  connect(&workspace_, &Workspace::modelChanged, this, &SessionController::show_images);
  connect(&workspace_, &Workspace::currentImageChanged, strip_, &ImageStrip::set_current);
  connect(&workspace_, &Workspace::imageAdded, this,
          [this](int index) { strip_->add_image(workspace_.model()->card(), workspace_.images()[index]); });
  connect(&workspace_, &Workspace::imageUpdated, this, [this](int index) {
    strip_->update_image(index, workspace_.model()->card(), workspace_.images()[index]);
  });
}

bool SessionController::open_files(const QStringList& paths) {
  QString model;
  QStringList images;
  for (const QString& path : paths) {
    if (kModelSuffixes.contains(QFileInfo(path).suffix().toLower())) {
      model = path;
    } else {
      images << path;
    }
  }
  if (!model.isEmpty()) {
    open(model, images.isEmpty() ? image_paths_ : images);
    return true;
  }
  if (!workspace_.model()) {
    Q_EMIT errorRaised(tr("No model"), tr("Drop a TorchScript model (.pt) first, or with the images."));
    return false;
  }
  open_with_open_model(images);
  return true;
}

// Images go to the model that is open, not to the last one asked for (which
// may have failed to load or had its card dialog cancelled); a card the user
// typed for it is kept.
void SessionController::open_with_open_model(const QStringList& images) {
  const Model& model = *workspace_.model();
  std::optional<ModelCard> card;
  if (model.card_source() == CardSource::kUser) card = model.card();
  open(workspace_.model_path(), images, card);
}

void SessionController::open(const QString& model_path, const QStringList& image_paths,
                             const std::optional<ModelCard>& card) {
  model_path_ = model_path;
  image_paths_ = image_paths;
  // The load queues behind the worker's jobs: long ones stop now.
  worker_.stop_long_jobs();
  Q_EMIT statusChanged(tr("Loading %1...").arg(file_name(model_path)));
  const std::string path = model_path.toStdString();
  worker_.submit(
      QStringLiteral("load"), this,
      [path, images = to_std(image_paths), card]() -> Result<Session> {
        return load_session(path, images, card);
      },
      [this, path](Result<Session> loaded) {
        if (loaded) {
          show_session(loaded.value());
          return;
        }
        Session failed;  // a bug in the engine: still a message, not the end of the program
        failed.errors.push_back(path + ": " + loaded.error());
        show_session(failed);
      },
      Scope::kWindow);
}

void SessionController::ask_for_card(const Session& session) {
  Q_EMIT statusChanged(tr("%1 has no card: enter its input size").arg(file_name(model_path_)));
  auto* dialog = new CardDialog(file_name(model_path_), session.suggested_channels, window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this,
          [this, dialog] { open(model_path_, image_paths_, dialog->card()); });
  dialog->open();
  Q_EMIT cardRequested();
}

void SessionController::show_session(const Session& session) {
  if (session.needs_card) {
    ask_for_card(session);
    return;
  }
  QStringList errors;
  for (const auto& error : session.errors) errors << QString::fromStdString(error);
  if (!session.model) {
    // The window keeps what it showed; only the message is new.
    Q_EMIT errorRaised(tr("The model could not be opened"), errors.join('\n'));
    Q_EMIT sessionShown(errors);
    return;
  }
  worker_.begin_session();  // captures and CAMs still on their way belong to the old model
  remember_recent(model_path_);
  workspace_.open(session.model, model_path_, session.images);
  if (!session.images.empty()) workspace_.set_current_image(0);  // captures it
  if (errors.isEmpty()) {
    Q_EMIT statusChanged(tr("%1: %2 images").arg(file_name(model_path_)).arg(session.images.size()));
  } else {
    Q_EMIT errorRaised(tr("Some files could not be opened"), errors.join('\n'));
  }
  Q_EMIT sessionShown(errors);
}

void SessionController::show_images() {
  summary_->show_model(*workspace_.model());
  strip_->show_images(workspace_.model()->card(), workspace_.images());
}

void SessionController::open_model_dialog() {
  const QString path = QFileDialog::getOpenFileName(
      window_, tr("Open TorchScript model"), QSettings().value(QStringLiteral("folders/model")).toString(),
      tr("TorchScript models (*.pt *.pth *.ptl);;All files (*)"));
  if (!path.isEmpty()) open(path, image_paths_);
}

void SessionController::open_images_dialog() {
  QSettings settings;
  const QStringList paths = QFileDialog::getOpenFileNames(
      window_, tr("Open images"), settings.value(QStringLiteral("folders/images")).toString(),
      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
  if (paths.isEmpty()) return;
  settings.setValue(QStringLiteral("folders/images"), QFileInfo(paths.front()).absolutePath());
  if (!workspace_.model()) {
    Q_EMIT errorRaised(tr("No model"), tr("Open a model first."));
    return;
  }
  open_with_open_model(paths);
}

void SessionController::remember_recent(const QString& model_path) {
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

void SessionController::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value(QStringLiteral("recent/models")).toStringList();
  for (const QString& path : recent) {
    recent_menu_->addAction(file_name(path), this, [this, path] { open(path, image_paths_); })
        ->setToolTip(path);
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

}  // namespace actscope
