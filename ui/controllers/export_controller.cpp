#include "ui/controllers/export_controller.h"

#include <QAction>
#include <QPointer>
#include <QProgressDialog>

#include "core/export/layer_export.h"
#include "ui/controllers/export_dialogs.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

const QString kLane = QStringLiteral("export");

QProgressDialog* progress_dialog(QWidget* window) {
  auto* dialog =
      new QProgressDialog(QObject::tr("Exporting every layer..."), QObject::tr("Cancel"), 0, 100, window);
  dialog->setObjectName(QStringLiteral("exportProgress"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowModality(Qt::WindowModal);
  dialog->setMinimumDuration(300);
  return dialog;
}

}  // namespace

ExportController::ExportController(Workspace& workspace, EngineWorker& worker, QWidget* window)
    : Controller(window), workspace_(workspace), worker_(worker), window_(window) {
  export_all_ = new QAction(tr("Export &All Layers..."), this);
  connect(export_all_, &QAction::triggered, this, [this] {
    const QString folder = ask_export_folder(window_, tr("Export all layers to"), images_folder(workspace_));
    if (!folder.isEmpty()) export_all_layers(folder);
  });
}

void ExportController::export_all_layers(const QString& folder) {
  const int image = workspace_.current_image();
  if (!workspace_.model() || image < 0) {
    Q_EMIT exportFinished(tr("no model or image to export"));
    return;
  }
  QPointer<QProgressDialog> dialog = progress_dialog(window_);
  const CancelToken cancel = worker_.token(kLane, Scope::kWindow);
  connect(dialog, &QProgressDialog::canceled, this, [cancel] { *cancel = true; });
  ExportOptions options = workspace_.grid_settings().export_options();
  options.progress = [dialog, cancel](size_t done, size_t total) {
    EngineWorker::post(dialog, [dialog, done, total] {
      dialog->setMaximum(static_cast<int>(total));
      dialog->setValue(static_cast<int>(done));
    });
    return !*cancel;
  };
  Q_EMIT statusChanged(tr("Exporting every layer to %1...").arg(folder));
  worker_.submit(
      kLane, this,
      [model = workspace_.shared_model(), input = workspace_.images()[image].input,
       out = folder.toStdString(),
       options] { return export_activations(*model, input, input.name, out, options); },
      [this, dialog, folder](Result<ExportSummary> summary) {
        if (dialog) dialog->close();
        const QString error = summary ? QString() : QString::fromStdString(summary.error());
        if (!error.isEmpty()) Q_EMIT errorRaised(tr("Export failed"), error);
        Q_EMIT statusChanged(error.isEmpty() ? tr("Wrote %1 layers and manifest.json to %2")
                                                   .arg(summary.value().layers_written)
                                                   .arg(folder)
                                             : error);
        Q_EMIT exportFinished(error);
      },
      Scope::kWindow);
}

}  // namespace actscope
