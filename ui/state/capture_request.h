// The one way the desktop program captures an open image: every layer of it
// in one forward pass on the worker, handed back on the GUI thread. The
// current image (activations), compare mode's image B and the Models view's
// model B all use it.
#pragma once

#include <functional>
#include <memory>

#include <QString>

#include "core/base/result.h"
#include "core/model/model.h"

class QObject;

namespace actscope {

class EngineWorker;
class Workspace;

using CaptureDone = std::function<void(Result<std::shared_ptr<const CaptureResult>>)>;

// Captures open image `image` of `workspace` on `worker`'s `lane` (a newer
// request on the lane supersedes it) and calls `done` on the GUI thread
// while `context` lives. Requires an open model and a valid image.
void request_capture(EngineWorker& worker, const Workspace& workspace, const QString& lane, QObject* context,
                     int image, CaptureDone done);

// The same with `model` instead of the open model (the second model, B):
// the image as `model`'s card makes it, which is the open image's input when
// both cards make the same, else the image read again from its file or its
// dataset on the worker. Requires an open model and a valid image.
void request_capture_with(EngineWorker& worker, const Workspace& workspace,
                          std::shared_ptr<const Model> model, const QString& lane, QObject* context,
                          int image, CaptureDone done);

}  // namespace actscope
