// The Help menu's list of keys and what they do.
#pragma once

class QWidget;

namespace actscope {

// Opens the shortcuts dialog (objectName "shortcutsDialog") over `parent`;
// it deletes itself when closed.
void show_shortcuts_dialog(QWidget* parent);

}  // namespace actscope
