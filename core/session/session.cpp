#include "core/session/session.h"

#include <filesystem>
#include <map>

#include "core/data/samples_file.h"

namespace actscope {
namespace {

// The images' true classes (-1 when unknown), reading each folder's samples.json once.
std::vector<int> true_classes_of(const std::vector<InputImage>& inputs) {
  std::map<std::filesystem::path, std::map<std::string, int>> known;  // per folder
  std::vector<int> classes;
  for (const auto& input : inputs) {
    const std::filesystem::path path(input.name);
    auto folder = known.find(path.parent_path());
    if (folder == known.end())
      folder = known.emplace(path.parent_path(), read_samples_file(path.parent_path())).first;
    const auto truth = folder->second.find(path.filename().string());
    classes.push_back(truth == folder->second.end() ? -1 : truth->second);
  }
  return classes;
}

}  // namespace

LoadedBatch load_images(const Model& model, const std::vector<std::string>& image_paths) {
  LoadedBatch batch;
  std::vector<InputImage> inputs;
  for (const auto& path : image_paths) {
    auto image = load_image(path, model.card());
    if (image) {
      inputs.push_back(std::move(image).value());
    } else {
      batch.errors.push_back(image.error());
    }
  }
  if (inputs.empty()) return batch;
  auto logits = model.logits(inputs);
  if (!logits) {
    batch.errors.push_back(logits.error());
    return batch;
  }
  const std::vector<int> true_classes = true_classes_of(inputs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    batch.images.push_back({std::move(inputs[i]), top_classes(logits.value()[i], 5), true_classes[i]});
  }
  return batch;
}

Session load_session(const std::string& model_path, const std::vector<std::string>& image_paths,
                     const std::optional<ModelCard>& card, const CardOverrides& overrides) {
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
  if (!overrides.empty()) {
    auto changed = apply_card_overrides(session.model->card(), overrides,
                                        session.model->inferred_channels().value_or(0));
    if (changed) {
      session.model->set_card(std::move(changed).value());
    } else {
      session.errors.push_back(changed.error());
    }
  }
  LoadedBatch batch = load_images(*session.model, image_paths);
  session.images = std::move(batch.images);
  session.errors.insert(session.errors.end(), batch.errors.begin(), batch.errors.end());
  return session;
}

}  // namespace actscope
