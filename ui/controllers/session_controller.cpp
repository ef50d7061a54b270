#include "ui/controllers/session_controller.h"

#include <algorithm>
#include <string>
#include <vector>

#include <QAction>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "ui/panes/card_dialog.h"
#include "ui/panes/image_strip.h"
#include "ui/panes/model_summary.h"
#include "ui/state/engine_worker.h"
#include "core/model/receptive_fields.h"
#include "ui/state/workspace.h"
#include "ui/state/file_jobs.h"

namespace actscope {
namespace {

const QStringList kModelSuffixes = {QStringLiteral("pt"), QStringLiteral("pth"), QStringLiteral("ptl")};

std::vector<std::string> to_std(const QStringList& list) {
  std::vector<std::string> result;
  for (const auto& item : list) result.push_back(item.toStdString());
  return result;
}

QString file_name(const QString& path) { return QFileInfo(path).fileName(); }

// What the decoder coped with in `images` (a JPEG cut short, stray bytes),
// for the status bar: empty when every file was whole.
QString image_warnings(const std::vector<LoadedImage>& images) {
  QStringList warnings;
  for (const LoadedImage& image : images) {
    if (!image.input.warning.empty()) warnings << QString::fromStdString(image.input.warning);
  }
  return warnings.isEmpty() ? QString() : QStringLiteral("; warning: ") + warnings.join(QStringLiteral("; "));
}

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
  open_images_ = new QAction(tr("Add &Images..."), this);
  open_images_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
  open_images_->setToolTip(tr("Add images to the strip; unreadable files are listed and the rest load"));
  connect(open_images_, &QAction::triggered, this, [this] { open_images_dialog(false); });
  replace_images_ = new QAction(tr("&Replace Images..."), this);
  replace_images_->setToolTip(tr("Open images in place of the ones in the strip"));
  connect(replace_images_, &QAction::triggered, this, [this] { open_images_dialog(true); });
  next_image_ = new QAction(tr("Next &Image"), this);
  next_image_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab));
  connect(next_image_, &QAction::triggered, this, [this] {
    const int count = static_cast<int>(workspace_.images().size());
    if (count > 0) workspace_.set_current_image((workspace_.current_image() + 1) % count);
  });
  recent_menu_ = new QMenu(tr("Open &Recent"), window);
  rebuild_recent_menu();

  connect(strip_, &ImageStrip::imageChosen, &workspace_, &Workspace::set_current_image);
  connect(strip_, &ImageStrip::removeRequested, this, &SessionController::remove_image);
  connect(strip_, &ImageStrip::clearRequested, this, &SessionController::clear_images);
  connect(&workspace_, &Workspace::modelChanged, this, &SessionController::show_images);
  // A checkpoint of a training run opened as the model, with the open images.
  connect(&workspace_, &Workspace::modelRequested, this,
          [this](const QString& path) { open(path, image_paths_); });
  connect(&workspace_, &Workspace::currentImageChanged, strip_, &ImageStrip::set_current);
  connect(&workspace_, &Workspace::imageAdded, this,
          [this](int index) { strip_->add_image(workspace_.model()->card(), workspace_.images()[index]); });
  connect(&workspace_, &Workspace::imageUpdated, this, [this](int index) {
    strip_->update_image(index, workspace_.model()->card(), workspace_.images()[index]);
  });
  // The Model dock names the browsed layer's receptive field.
  auto show_field = [this] {
    const QString layer = workspace_.current_layer();
    const ReceptiveField* field = workspace_.receptive_field(layer);
    summary_->show_layer_field(layer, field ? QString::fromStdString(describe_field(*field)) : QString());
  };
  connect(&workspace_, &Workspace::layerChanged, this, show_field);
  connect(&workspace_, &Workspace::fieldsChanged, this, show_field);
  connect(&workspace_, &Workspace::captureChanged, this, show_field);
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
  add_images(images);
  return true;
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
      [path, images = to_std(image_paths), card, overrides = overrides_]() -> Result<Session> {
        return load_session(path, images, card, overrides);
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

namespace {

// Where the card the user typed for a model file is remembered: keyed by the
// file's path, and kept only while the file's size and time are the same.
QString remembered_card_key(const QString& model_path) {
  const std::string path = QFileInfo(model_path).absoluteFilePath().toStdString();
  return QStringLiteral("cards/") + QString::fromStdString(sha256_hex(path).substr(0, 24));
}

QString file_stamp(const QString& path) {
  const QFileInfo info(path);
  return QStringLiteral("%1 %2").arg(info.size()).arg(info.lastModified().toMSecsSinceEpoch());
}

std::optional<ModelCard> remembered_card(const QString& model_path) {
  QSettings settings;
  settings.beginGroup(remembered_card_key(model_path));
  if (settings.value(QStringLiteral("stamp")).toString() != file_stamp(model_path)) return std::nullopt;
  auto card = parse_model_card(settings.value(QStringLiteral("card")).toString().toStdString(), "remembered card");
  if (!card) return std::nullopt;
  return std::move(card).value();
}

void remember_card(const QString& model_path, const ModelCard& card) {
  QSettings settings;
  settings.beginGroup(remembered_card_key(model_path));
  settings.setValue(QStringLiteral("stamp"), file_stamp(model_path));
  settings.setValue(QStringLiteral("card"), QString::fromStdString(model_card_to_json(card)));
}

}  // namespace

// A model without a card: the input the user gave for this file before,
// else the card dialog (whose answer is remembered and, if asked, saved as a
// sidecar card).
void SessionController::ask_for_card(const Session& session) {
  if (auto card = remembered_card(model_path_)) {
    Q_EMIT statusChanged(tr("%1: using the input you gave before").arg(file_name(model_path_)));
    open(model_path_, image_paths_, card);
    return;
  }
  Q_EMIT statusChanged(tr("%1 has no card: enter its input size").arg(file_name(model_path_)));
  auto* dialog = new CardDialog(file_name(model_path_), session.suggested_channels, window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->prefill(overrides_);  // what the window's flags already say
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    remember_card(model_path_, dialog->card());
    if (dialog->save_sidecar()) save_sidecar_card(dialog->card());
    open(model_path_, image_paths_, dialog->card());
  });
  dialog->open();
  Q_EMIT cardRequested();
}

void SessionController::save_sidecar_card(const ModelCard& card) {
  const QString path = QString::fromStdString(sidecar_card_paths(model_path_.toStdString()).front());
  write_on_worker(worker_, this, path, [text = model_card_to_json(card)] { return text; },
                  [this, path](const Status& written) {
                    if (!written) {
                      Q_EMIT errorRaised(tr("The card was not saved"),
                                         tr("%1 (the input is still used for this session)")
                                             .arg(QString::fromStdString(written.error())));
                    } else {
                      Q_EMIT statusChanged(tr("Saved the card as %1").arg(path));
                    }
                    Q_EMIT exported(path, written ? QString() : QString::fromStdString(written.error()));
                  });
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
    Q_EMIT statusChanged(tr("%1: %2 images").arg(file_name(model_path_)).arg(session.images.size()) +
                         image_warnings(session.images));
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

void SessionController::open_images_dialog(bool replace) {
  QSettings settings;
  QString folder = settings.value(QStringLiteral("folders/images")).toString();
  if (folder.isEmpty() && !workspace_.images().empty()) {
    folder = QFileInfo(QString::fromStdString(workspace_.images().front().input.name)).absolutePath();
  }
  const QStringList paths = QFileDialog::getOpenFileNames(
      window_, replace ? tr("Replace images") : tr("Add images"), folder,
      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"));
  if (paths.isEmpty()) return;
  settings.setValue(QStringLiteral("folders/images"), QFileInfo(paths.front()).absolutePath());
  add_images(paths, replace);
}

void SessionController::add_images(const QStringList& paths, bool replace) {
  if (!workspace_.model()) {
    Q_EMIT errorRaised(tr("No model"), tr("Open a model first."));
    Q_EMIT imagesLoaded({tr("no model")});
    return;
  }
  Q_EMIT statusChanged(tr("Reading %1 images...").arg(paths.size()));
  worker_.submit(
      QStringLiteral("images"), this,
      [model = workspace_.shared_model(), images = to_std(paths)]() -> Result<LoadedBatch> {
        return load_images(*model, images);
      },
      [this, replace](Result<LoadedBatch> loaded) {
        QStringList errors;
        if (!loaded) {
          errors << QString::fromStdString(loaded.error());
          show_added_images({}, errors, false);
          return;
        }
        for (const auto& error : loaded.value().errors) errors << QString::fromStdString(error);
        show_added_images(std::move(loaded.value().images), errors, replace);
      });
}

void SessionController::show_added_images(std::vector<LoadedImage> images, const QStringList& errors,
                                          bool replace) {
  const QString warnings = image_warnings(images);
  int first = -1;
  if (replace) {
    if (!images.empty()) {
      workspace_.replace_images(std::move(images));
      first = 0;
    }
  } else {
    for (const LoadedImage& image : images) {
      const int index = workspace_.add_image(image);
      if (first < 0) first = index;
    }
  }
  if (first >= 0) workspace_.set_current_image(first);
  image_paths_.clear();
  for (const LoadedImage& image : workspace_.images()) image_paths_ << QString::fromStdString(image.input.name);
  if (errors.isEmpty()) {
    Q_EMIT statusChanged(tr("%1 images open").arg(workspace_.images().size()) + warnings);
  } else {
    Q_EMIT errorRaised(tr("Some images could not be opened"),
                       tr("%1 of the files could not be opened; the others are in the strip:\n%2")
                           .arg(errors.size())
                           .arg(errors.join('\n')));
  }
  Q_EMIT imagesLoaded(errors);
}

void SessionController::remove_image(int index) {
  if (index < 0 || index >= static_cast<int>(workspace_.images().size())) return;
  std::vector<LoadedImage> images = workspace_.images();
  images.erase(images.begin() + index);
  const int current = workspace_.current_image();
  workspace_.replace_images(std::move(images));
  const int count = static_cast<int>(workspace_.images().size());
  if (count > 0) workspace_.set_current_image(std::min(current > index ? current - 1 : current, count - 1));
  Q_EMIT statusChanged(tr("%1 images open").arg(count));
}

void SessionController::clear_images() {
  workspace_.replace_images({});
  Q_EMIT statusChanged(tr("No images open: File > Add Images, or drop image files on the window"));
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
