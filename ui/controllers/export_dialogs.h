// The questions every export asks first: where to save a PNG, or which folder
// to fill, starting in (and remembering) the last export folder, or the
// images' folder before the first export.
#pragma once

#include <QString>

class QWidget;

namespace actscope {

class Workspace;

// Where an export dialog opens: the last export folder, else `fallback`
// (the images' folder), else the home folder.
QString export_start_folder(const QString& fallback);
// The folder of the current image's file (a dataset's folder for its images),
// or "" when there is none.
QString images_folder(const Workspace& workspace);

// The path the user chose for a PNG named `file_name` by default; empty when
// they cancelled. `fallback`: see export_start_folder.
QString ask_png_path(QWidget* parent, const QString& title, const QString& file_name,
                     const QString& fallback = QString());
// The folder the user chose; empty when they cancelled.
QString ask_export_folder(QWidget* parent, const QString& title, const QString& fallback = QString());

}  // namespace actscope
