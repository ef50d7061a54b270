// The desktop program's GUI thread only draws: a file written or a model run
// there would freeze the window. The program marks that thread once; file
// writes (core/io/atomic_file.h) and model runs (core/model/model.h) then
// refuse to work on it, with an error that names the rule, so that a test
// driving the window catches any such call.
#pragma once

namespace actscope {

// Marks (or unmarks) the calling thread as the GUI thread. Any thread, for itself.
void mark_gui_thread(bool marked = true);
// True on a thread marked by mark_gui_thread.
bool on_gui_thread();

// Marks (or unmarks) the calling thread while it lives, then restores what
// it was: a test that drives the window as its GUI thread.
class GuiThreadScope {
 public:
  explicit GuiThreadScope(bool marked = true) : was_(on_gui_thread()) { mark_gui_thread(marked); }
  ~GuiThreadScope() { mark_gui_thread(was_); }
  GuiThreadScope(const GuiThreadScope&) = delete;
  GuiThreadScope& operator=(const GuiThreadScope&) = delete;

 private:
  bool was_;
};

}  // namespace actscope
