// The questions every export asks first: where to save a PNG, or which folder
// to fill, starting in (and remembering) the last export folder.
#pragma once

#include <QString>

class QWidget;

namespace actscope {

// The path the user chose for a PNG named `file_name` by default; empty when
// they cancelled.
QString ask_png_path(QWidget* parent, const QString& title, const QString& file_name);
// The folder the user chose; empty when they cancelled.
QString ask_export_folder(QWidget* parent, const QString& title);

}  // namespace actscope
