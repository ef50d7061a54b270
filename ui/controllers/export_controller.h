// ExportController: "Export All Layers": every layer of the current image
// written to a folder (PNG grids drawn as the grids on screen are, and a
// manifest) on the worker, with a progress dialog that can cancel. The
// single-picture exports belong to the features that draw them.
#pragma once

#include "ui/controllers/controller.h"

class QAction;
class QWidget;

namespace actscope {

class EngineWorker;
class Workspace;

class ExportController : public Controller {
  Q_OBJECT

 public:
  // The progress dialog opens over `window`.
  ExportController(Workspace& workspace, EngineWorker& worker, QWidget* window);

  QAction* export_all_action() const { return export_all_; }

  // Runs on the worker; exportFinished reports the end.
  void export_all_layers(const QString& folder);

 Q_SIGNALS:
  // "Export all layers" finished; `error` is empty on success.
  void exportFinished(const QString& error);

 private:
  Workspace& workspace_;
  EngineWorker& worker_;
  QWidget* window_;
  QAction* export_all_;
};

}  // namespace actscope
