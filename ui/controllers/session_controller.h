// SessionController: opening a model and its images (menus, recent models,
// dropped files, the card dialog for a model without one), loading them on
// the worker into the workspace, and the panes that show what is open: the
// model summary and the image strip. Also steps through the images.
#pragma once

#include <optional>

#include <QStringList>

#include "core/model/model_card.h"
#include "core/session/session.h"
#include "ui/controllers/controller.h"

class QAction;
class QMenu;
class QWidget;

namespace actscope {

class EngineWorker;
class ImageStrip;
class ModelSummary;
class Workspace;

class SessionController : public Controller {
  Q_OBJECT

 public:
  // Dialogs open over `window`.
  SessionController(Workspace& workspace, EngineWorker& worker, QWidget* window);

  ModelSummary* summary() const { return summary_; }
  ImageStrip* strip() const { return strip_; }
  QAction* open_model_action() const { return open_model_; }
  QAction* open_images_action() const { return open_images_; }
  QAction* replace_images_action() const { return replace_images_; }
  QAction* next_image_action() const { return next_image_; }
  QMenu* recent_menu() const { return recent_menu_; }

  // Starts loading the model and images on the worker and returns at once.
  // A later call supersedes an earlier one whose results have not arrived.
  // `card` is what the user typed in for a model without one.
  void open(const QString& model_path, const QStringList& image_paths,
            const std::optional<ModelCard>& card = std::nullopt);
  // Applied to the card of every model opened from now on (the window's
  // --labels, --resize, --crop); a mistake in them is shown with the session.
  void set_card_overrides(const CardOverrides& overrides) { overrides_ = overrides; }
  // Opens dropped files: a .pt/.pth/.ptl is the model, opened with the rest
  // as its images (else the current ones); without one, the images are added
  // to the model that is open (even after a later open failed). False when
  // there is no model to open them with.
  bool open_files(const QStringList& paths);
  // Reads `paths` with the open model on the worker and adds them to the
  // strip (`replace`: instead of the open images); files that fail are listed
  // in one message and the rest load. imagesLoaded follows.
  void add_images(const QStringList& paths, bool replace = false);
  // Removes open image `index`, or all of them.
  void remove_image(int index);
  void clear_images();

 Q_SIGNALS:
  // A session has been shown; `errors` lists the files that failed.
  void sessionShown(const QStringList& errors);
  // A model without a card was opened and the card dialog shown.
  void cardRequested();
  // add_images is done; `errors` lists the files that failed.
  void imagesLoaded(const QStringList& errors);

 private:
  void show_session(const Session& session);
  void ask_for_card(const Session& session);
  void save_sidecar_card(const ModelCard& card);
  void open_model_dialog();
  void open_images_dialog(bool replace);
  void show_added_images(std::vector<LoadedImage> images, const QStringList& errors, bool replace);
  void remember_recent(const QString& model_path);
  void rebuild_recent_menu();
  void show_images();

  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  ModelSummary* summary_;
  ImageStrip* strip_;
  QAction* open_model_;
  QAction* open_images_;
  QAction* replace_images_;
  QAction* next_image_;
  QMenu* recent_menu_;
  // The files last asked for (the workspace keeps what opened): a card, a
  // recent model or new images are opened with them.
  QString model_path_;
  QStringList image_paths_;
  CardOverrides overrides_;
};

}  // namespace actscope
