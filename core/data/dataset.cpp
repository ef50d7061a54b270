#include "core/data/dataset.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace actscope {
namespace {

namespace fs = std::filesystem;

// "Ankle boot", "ankle_boot" and "ANKLE-BOOT" are the same class name, and
// so are "T-shirt/top" (no folder can be named so) and "t-shirt_top".
std::string class_key(const std::string& name) {
  std::string key;
  for (unsigned char c : name) {
    key.push_back(c == ' ' || c == '-' || c == '/' ? '_' : static_cast<char>(std::tolower(c)));
  }
  return key;
}

std::string labels_text(const ModelCard& card) {
  std::string text;
  for (const auto& label : card.labels) text += (text.empty() ? "" : ", ") + label;
  return text.empty() ? "(the card has no labels)" : text;
}

// The labels file that belongs to an IDX images file, or "".
std::string labels_next_to(const fs::path& images) {
  std::string name = images.filename().string();
  const auto at = name.find("-images-idx3-ubyte");
  if (at == std::string::npos) return "";
  name.replace(at, std::string("-images-idx3-ubyte").size(), "-labels-idx1-ubyte");
  return (images.parent_path() / name).string();
}

Result<Dataset> open_idx(const fs::path& images_path) {
  const std::string labels_path = labels_next_to(images_path);
  if (labels_path.empty() || !fs::exists(labels_path)) {
    return Error{images_path.string() + ": no labels file next to it (expected " +
                 (labels_path.empty() ? std::string("*-labels-idx1-ubyte[.gz]") : labels_path) + ")"};
  }
  auto images = read_idx_images(images_path.string());
  if (!images) return Error{images.error()};
  auto labels = read_idx_labels(labels_path);
  if (!labels) return Error{labels.error()};
  if (static_cast<int>(labels.value().size()) != images.value().count) {
    return Error{labels_path + ": " + std::to_string(labels.value().size()) + " labels for " +
                 std::to_string(images.value().count) + " images in " + images_path.string()};
  }
  Dataset dataset;
  dataset.source = images_path.string();
  dataset.idx = std::move(images).value();
  // "t10k[42]" for image 42 of t10k-images-idx3-ubyte.gz.
  std::string stem = images_path.filename().string();
  stem = stem.substr(0, stem.find("-images-idx3-ubyte"));
  for (int i = 0; i < dataset.idx.count; ++i) {
    dataset.images.push_back({stem + "[" + std::to_string(i) + "]", labels.value()[i]});
  }
  return dataset;
}

Result<Dataset> open_class_folders(const fs::path& folder, const ModelCard& card) {
  std::vector<fs::path> classes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory(ec)) classes.push_back(entry.path());
  }
  std::sort(classes.begin(), classes.end());
  Dataset dataset;
  dataset.source = folder.string();
  if (classes.empty()) {  // a plain folder of images: no labels
    for (const auto& file : image_files_in(folder.string())) dataset.images.push_back({file, -1});
  }
  // A card without labels: torchvision's ImageFolder convention, the sorted
  // folder names are the classes in that order.
  const bool image_folder = card.labels.empty();
  for (const auto& class_folder : classes) {
    const std::string name = class_folder.filename().string();
    int true_class = -1;
    if (image_folder) {
      true_class = static_cast<int>(dataset.class_names.size());
      dataset.class_names.push_back(name);
    }
    for (size_t i = 0; i < card.labels.size(); ++i) {
      if (class_key(card.labels[i]) == class_key(name)) true_class = static_cast<int>(i);
    }
    if (true_class < 0) {
      return Error{class_folder.string() + ": '" + name + "' is not a class of the model; its labels are " +
                   labels_text(card)};
    }
    for (const auto& file : image_files_in(class_folder.string()))
      dataset.images.push_back({file, true_class});
  }
  if (dataset.images.empty()) {
    return Error{folder.string() +
                 ": no images (expected image files, or one folder per class, named like " +
                 labels_text(card) + ", or an IDX image/label pair)"};
  }
  return dataset;
}

}  // namespace

ModelCard card_naming_classes(const ModelCard& card, const Dataset& dataset) {
  ModelCard named = card;
  if (named.labels.empty()) named.labels = dataset.class_names;
  return named;
}

Result<InputImage> Dataset::input(size_t index, const ModelCard& card) const {
  if (index >= images.size()) return Error{source + ": no image " + std::to_string(index)};
  if (index < loaded.size()) return loaded[index];
  if (from_idx()) {
    InputImage input =
        input_from_gray(idx.image(static_cast<int>(index)), idx.height, idx.width, card, images[index].name);
    input.dataset = source;  // no file of its own: manifests name the set and the index
    input.dataset_index = static_cast<int64_t>(index);
    return input;
  }
  return load_image(images[index].name, card);
}

Result<Dataset> open_dataset(const std::string& path, const ModelCard& card) {
  std::error_code ec;
  const fs::path location(path);
  if (!fs::exists(location, ec)) return Error{path + ": no such file or folder"};
  if (fs::is_regular_file(location, ec)) {
    if (location.filename().string().find("-images-idx3-ubyte") == std::string::npos) {
      return Error{path + ": not an IDX images file (*-images-idx3-ubyte[.gz]) or a folder of class folders"};
    }
    return open_idx(location);
  }
  // A folder with an IDX pair: prefer the test set.
  std::vector<fs::path> idx_files;
  for (const auto& entry : fs::directory_iterator(location, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && name.find("-images-idx3-ubyte") != std::string::npos) {
      idx_files.push_back(entry.path());
    }
  }
  if (!idx_files.empty()) {
    std::sort(idx_files.begin(), idx_files.end());
    auto test_set = std::find_if(idx_files.begin(), idx_files.end(), [](const fs::path& p) {
      return p.filename().string().rfind("t10k", 0) == 0;
    });
    return open_idx(test_set != idx_files.end() ? *test_set : idx_files.front());
  }
  return open_class_folders(location, card);
}

Result<std::vector<DatasetPrediction>> predict_dataset(const Model& model, const Dataset& dataset,
                                                       const DatasetPredictOptions& options) {
  const ModelCard& card = model.card();
  const size_t total = dataset.images.size();
  const size_t start = std::min(options.first, total);
  const size_t end = start + std::min(options.count, total - start);
  const size_t step = static_cast<size_t>(std::max(1, options.batch_size));
  const int64_t plane = int64_t{card.channels} * card.height * card.width;
  std::vector<DatasetPrediction> all(end - start);
  std::vector<float> batch;
  std::vector<size_t> readable;  // the batch's images that could be read
  for (size_t first = start; first < end; first += step) {
    const size_t count = std::min(step, end - first);
    batch.resize(count * plane);
    readable.clear();
    for (size_t i = first; i < first + count; ++i) {
      all[i - start].true_class = dataset.images[i].true_class;
      auto input = dataset.input(i, card);
      if (!input) {
        all[i - start].error = input.error();
        continue;
      }
      std::copy(input.value().tensor.begin(), input.value().tensor.end(), batch.begin() + readable.size() * plane);
      readable.push_back(i);
    }
    if (!readable.empty()) {
      auto logits = model.logits(FloatArray({static_cast<int64_t>(readable.size()), card.channels, card.height,
                                             card.width},
                                            batch.data(), nullptr));
      if (!logits) return Error{logits.error()};
      const int64_t classes = logits.value().shape()[1];
      for (size_t k = 0; k < readable.size(); ++k) {
        const float* row = logits.value().data() + k * classes;
        if (!all_finite(row, classes)) {  // no class to report: skipped as the unreadable are
          all[readable[k] - start].error = non_finite_logits(model.path(), dataset.images[readable[k]].name);
          continue;
        }
        const int best = static_cast<int>(std::max_element(row, row + classes) - row);
        double sum = 0.0;
        for (int64_t c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(row[c] - row[best]));
        all[readable[k] - start].predicted_class = best;
        all[readable[k] - start].confidence = static_cast<float>(1.0 / sum);
      }
    }
    if (options.progress && !options.progress(first + count, total)) return Error{"cancelled"};
  }
  return all;
}

size_t count_correct(const std::vector<DatasetPrediction>& predictions) {
  size_t correct = 0;
  for (const auto& prediction : predictions)
    correct += !prediction.unreadable() && prediction.predicted_class == prediction.true_class;
  return correct;
}

size_t count_unreadable(const std::vector<DatasetPrediction>& predictions) {
  size_t unreadable = 0;
  for (const auto& prediction : predictions) unreadable += prediction.unreadable();
  return unreadable;
}

bool misclassified(const DatasetPrediction& p) {
  return !p.unreadable() && p.true_class >= 0 && p.predicted_class != p.true_class;
}

double accuracy(const std::vector<DatasetPrediction>& predictions) {
  const size_t readable = predictions.size() - count_unreadable(predictions);
  if (readable == 0) return 0.0;
  return static_cast<double>(count_correct(predictions)) / readable;
}

}  // namespace actscope
