#include "ui/state/capture_request.h"

#include <utility>

#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {

void request_capture(EngineWorker& worker, const Workspace& workspace, const QString& lane, QObject* context,
                     int image, CaptureDone done) {
  worker.submit(
      lane, context,
      [model = workspace.shared_model(),
       input = workspace.images()[image].input]() -> Result<std::shared_ptr<const CaptureResult>> {
        auto capture = model->capture({input});
        if (!capture) return Error{capture.error()};
        return std::make_shared<const CaptureResult>(std::move(capture).value());
      },
      std::move(done));
}

}  // namespace actscope
