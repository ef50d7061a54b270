#include "ui/session_loader.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

namespace actscope {
namespace {

// file name -> true class, from `folder`/samples.json; empty when absent or unreadable.
std::map<std::string, int> true_classes_in(const std::filesystem::path& folder) {
  std::map<std::string, int> classes;
  std::ifstream in(folder / "samples.json");
  if (!in) return classes;
  const auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("samples") || !json["samples"].is_array()) return classes;
  for (const auto& sample : json["samples"]) {
    if (sample.is_object() && sample.contains("file") && sample["file"].is_string() &&
        sample.contains("true_class") && sample["true_class"].is_number_integer()) {
      classes[sample["file"].get<std::string>()] = sample["true_class"].get<int>();
    }
  }
  return classes;
}

}  // namespace

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
  std::map<std::filesystem::path, std::map<std::string, int>> known;  // per folder
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::filesystem::path path(inputs[i].name);
    auto folder = known.find(path.parent_path());
    if (folder == known.end())
      folder = known.emplace(path.parent_path(), true_classes_in(path.parent_path())).first;
    const auto truth = folder->second.find(path.filename().string());
    const int true_class = truth == folder->second.end() ? -1 : truth->second;
    session.images.push_back({std::move(inputs[i]), top_classes(logits.value()[i], 5), true_class});
  }
  return session;
}

}  // namespace actscope
