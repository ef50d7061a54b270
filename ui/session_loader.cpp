#include "ui/session_loader.h"

namespace actscope {

Session load_session(const std::string& model_path, const std::vector<std::string>& image_paths) {
  Session session;
  auto model = Model::load(model_path);
  if (!model) {
    session.errors.push_back(model.error());
    return session;
  }
  session.model = std::move(model).value();
  if (session.model->card_source() == CardSource::kNone) {
    session.errors.push_back(model_path + ": the model has no card (actscope.json); input size is unknown");
    return session;
  }
  std::vector<InputImage> inputs;
  for (const auto& path : image_paths) {
    auto image = load_image(path, session.model->card());
    if (image) {
      inputs.push_back(std::move(image).value());
    } else {
      session.errors.push_back(image.error());
    }
  }
  auto logits = session.model->logits(inputs);
  if (!logits) {
    session.errors.push_back(logits.error());
    return session;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    session.images.push_back({std::move(inputs[i]), top_classes(logits.value()[i], 5)});
  }
  return session;
}

}  // namespace actscope
