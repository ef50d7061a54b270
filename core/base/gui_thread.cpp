#include "core/base/gui_thread.h"

namespace actscope {
namespace {

thread_local bool gui_thread = false;

}  // namespace

void mark_gui_thread(bool marked) { gui_thread = marked; }

bool on_gui_thread() { return gui_thread; }

}  // namespace actscope
