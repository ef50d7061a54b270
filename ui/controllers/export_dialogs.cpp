#include "ui/controllers/export_dialogs.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>

namespace actscope {
namespace {

const QString kExportFolder = QStringLiteral("folders/export");

}  // namespace

QString ask_png_path(QWidget* parent, const QString& title, const QString& file_name) {
  QSettings settings;
  const QString path = QFileDialog::getSaveFileName(
      parent, title, settings.value(kExportFolder).toString() + QStringLiteral("/") + file_name,
      QObject::tr("PNG (*.png)"));
  if (!path.isEmpty()) settings.setValue(kExportFolder, QFileInfo(path).absolutePath());
  return path;
}

QString ask_export_folder(QWidget* parent, const QString& title) {
  QSettings settings;
  const QString folder =
      QFileDialog::getExistingDirectory(parent, title, settings.value(kExportFolder).toString());
  if (!folder.isEmpty()) settings.setValue(kExportFolder, folder);
  return folder;
}

}  // namespace actscope
