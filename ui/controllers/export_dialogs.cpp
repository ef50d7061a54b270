#include "ui/controllers/export_dialogs.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QDir>
#include <QSettings>

#include "ui/state/workspace.h"

namespace actscope {
namespace {

const QString kExportFolder = QStringLiteral("folders/export");

}  // namespace

QString export_start_folder(const QString& fallback) {
  const QString saved = QSettings().value(kExportFolder).toString();
  if (!saved.isEmpty() && QFileInfo(saved).isDir()) return saved;
  if (!fallback.isEmpty() && QFileInfo(fallback).isDir()) return fallback;
  return QDir::homePath();
}

QString images_folder(const Workspace& workspace) {
  const int image = workspace.current_image() >= 0 ? workspace.current_image() : 0;
  if (workspace.images().empty()) return {};
  const InputImage& input = workspace.images()[image].input;
  const QFileInfo file(QString::fromStdString(input.dataset.empty() ? input.name : input.dataset));
  return file.isDir() ? file.absoluteFilePath() : file.absolutePath();
}

QString ask_png_path(QWidget* parent, const QString& title, const QString& file_name, const QString& fallback) {
  QSettings settings;
  const QString path = QFileDialog::getSaveFileName(
      parent, title, export_start_folder(fallback) + QStringLiteral("/") + file_name,
      QObject::tr("PNG (*.png)"));
  if (!path.isEmpty()) settings.setValue(kExportFolder, QFileInfo(path).absolutePath());
  return path;
}

QString ask_export_folder(QWidget* parent, const QString& title, const QString& fallback) {
  QSettings settings;
  const QString folder = QFileDialog::getExistingDirectory(parent, title, export_start_folder(fallback));
  if (!folder.isEmpty()) settings.setValue(kExportFolder, folder);
  return folder;
}

}  // namespace actscope
