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

// Unmarks the calling thread while it lives (a test's own setup work).
class NotOnGuiThread {
 public:
  NotOnGuiThread() : was_(on_gui_thread()) { mark_gui_thread(false); }
  ~NotOnGuiThread() { mark_gui_thread(was_); }
  NotOnGuiThread(const NotOnGuiThread&) = delete;
  NotOnGuiThread& operator=(const NotOnGuiThread&) = delete;

 private:
  bool was_;
};

}  // namespace actscope
