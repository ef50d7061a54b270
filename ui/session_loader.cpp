#include "ui/session_loader.h"

namespace actscope {

Session load_session(const std::string& model_path, const std::vector<std::string>& image_paths,
                     const std::optional<ModelCard>& card) {
  Session session;
  auto model = Model::load(model_path);
  if (!model) {
    session.errors.push_back(model.error());
    return session;
  }
  session.model = std::move(model).value();
  if (card) session.model->set_card(*card);
  if (session.model->card_source() == CardSource::kNone) {
    session.needs_card = true;
    session.suggested_channels = session.model->inferred_channels().value_or(0);
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
