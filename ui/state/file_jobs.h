// File work of the desktop program, on the engine worker: the GUI thread
// only draws (core/base/gui_thread.h), so a picture is encoded and written,
// or a file read, there, and the outcome comes back to the GUI thread.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include <QString>

#include "core/base/result.h"
#include "core/io/atomic_file.h"
#include "ui/state/engine_worker.h"

namespace actscope {

// Runs `bytes` (the encoding) and writes its result to `path` atomically on
// the worker; then `done` with the outcome on the GUI thread while `context`
// lives. A later write to the same path supersedes one not yet started.
inline void write_on_worker(EngineWorker& worker, QObject* context, const QString& path,
                            std::function<std::string()> bytes, std::function<void(const Status&)> done) {
  worker.submit(
      QStringLiteral("write:") + path, context,
      [bytes = std::move(bytes), target = path.toStdString()]() -> Status {
        return write_file_atomically(target, bytes());
      },
      [done = std::move(done)](Status written) { done(written); }, Scope::kWindow);
}

}  // namespace actscope
