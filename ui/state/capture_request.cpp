#include "ui/state/capture_request.h"

#include <utility>

#include "core/data/dataset.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

// `input` (made for `card`) as `model`'s card makes it. Worker side: it may read a file.
Result<InputImage> input_for(const Model& model, const ModelCard& card, const InputImage& input) {
  if (same_input(card, model.card())) return input;
  if (input.dataset.empty()) return load_image(input.name, model.card());
  auto dataset = open_dataset(input.dataset, model.card());
  if (!dataset) return Error{dataset.error()};
  return dataset.value().input(static_cast<size_t>(input.dataset_index), model.card());
}

}  // namespace

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

void request_capture_with(EngineWorker& worker, const Workspace& workspace,
                          std::shared_ptr<const Model> model, const QString& lane, QObject* context,
                          int image, CaptureDone done) {
  worker.submit(
      lane, context,
      [model = std::move(model), card = workspace.model()->card(),
       input = workspace.images()[image].input]() -> Result<std::shared_ptr<const CaptureResult>> {
        auto made = input_for(*model, card, input);
        if (!made) return Error{made.error()};
        auto capture = model->capture({made.value()});
        if (!capture) return Error{capture.error()};
        return std::make_shared<const CaptureResult>(std::move(capture).value());
      },
      std::move(done));
}

}  // namespace actscope
