#include "app/cli/image_run.h"

#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli/common.h"
#include "core/base/json_text.h"
#include "core/export/manifest.h"
#include "core/io/atomic_file.h"
#include "core/model/image_input.h"

namespace actscope::cli {

using nlohmann::json;

void ImageFlags::add_to(CLI::App* command) {
  command->add_option("--image", images, "Image file (repeatable: then --out is a folder)");
  command->add_option("--image-list", image_list, "A file listing image paths, one per line");
  command->add_option("--dataset", dataset,
                      "Images of a dataset (class folders, a folder of images, or an IDX file)");
  command->add_option("--indices", indices, "With --dataset: the images to use, e.g. 3,17,40-60");
  command->add_flag("--misclassified", misclassified, "With --dataset: the images the model gets wrong");
  command
      ->add_option("--batch", batch,
                   "Images per forward (default 1: each image's files equal a one-image run's; larger batches "
                   "round differently, about 1e-6 of a layer's largest value)")
      ->check(CLI::PositiveNumber);
}

std::string ImageFlags::usage_problem() const {
  if (images.empty() && image_list.empty() && dataset.empty())
    return "name the images: --image FILE (repeatable), --image-list FILE or --dataset PATH";
  if (!dataset.empty() && (!images.empty() || !image_list.empty()))
    return "--dataset cannot be combined with --image or --image-list";
  if (dataset.empty() && (!indices.empty() || misclassified))
    return "--indices and --misclassified choose images of a --dataset";
  return "";
}

bool ImageFlags::many() const { return images.size() != 1 || !image_list.empty() || !dataset.empty(); }

Result<ImageRun> select_images(const ImageFlags& flags, const Model& model, bool quiet) {
  ImageRun run;
  if (flags.dataset.empty()) {
    std::vector<std::string> paths = flags.images;
    if (!flags.image_list.empty()) {
      auto listed = read_image_list(flags.image_list);
      if (!listed) return Error{listed.error()};
      paths.insert(paths.end(), listed.value().begin(), listed.value().end());
    }
    for (const std::string& path : paths) run.images.push_back({path, "", -1, -1});
    assign_unique_stems(run.images);
    return run;
  }
  auto dataset = open_dataset(flags.dataset, model.card());
  if (!dataset) return Error{dataset.error()};
  run.dataset = std::move(dataset).value();
  const auto count = static_cast<int64_t>(run.dataset.images.size());
  std::vector<int64_t> chosen;
  if (!flags.indices.empty()) {
    auto parsed = parse_indices(flags.indices, count);
    if (!parsed) return Error{flags.dataset + ": " + parsed.error()};
    chosen = std::move(parsed).value();
  } else {
    for (int64_t i = 0; i < count; ++i) chosen.push_back(i);
  }
  if (flags.misclassified) {
    ProgressLine progress(quiet, "predicting the dataset");
    DatasetPredictOptions options;
    options.progress = progress.callback();
    auto predictions = predict_dataset(model, run.dataset, options);
    progress.finish();
    if (!predictions) return Error{predictions.error()};
    std::vector<int64_t> wrong;
    for (int64_t i : chosen) {
      // An unreadable image is not among them: it is reported when its turn comes.
      if (misclassified(predictions.value()[static_cast<size_t>(i)])) wrong.push_back(i);
    }
    if (wrong.empty()) return Error{flags.dataset + ": the model gets none of the chosen images wrong"};
    chosen = std::move(wrong);
  }
  for (int64_t i : chosen) {
    const DatasetImage& image = run.dataset.images[static_cast<size_t>(i)];
    run.images.push_back({image.name, "", i, image.true_class});
  }
  assign_unique_stems(run.images);
  return run;
}

Result<InputImage> read_run_image(const ImageRun& run, size_t index, const ModelCard& card) {
  const SelectedImage& image = run.images.at(index);
  if (image.dataset_index >= 0) return run.dataset.input(static_cast<size_t>(image.dataset_index), card);
  return read_image(image.source, card);
}

RunBatch read_run_batch(const ImageRun& run, size_t first, size_t end, const ModelCard& card,
                        std::vector<json>& entries, int& skipped) {
  RunBatch batch;
  for (size_t i = first; i < end; ++i) {
    auto input = read_run_image(run, i, card);
    if (!input) {
      fail(input.error());
      entries[i] = skipped_image_entry(run.images[i], input.error());
      ++skipped;
      continue;
    }
    batch.inputs.push_back(std::move(input).value());
    batch.which.push_back(i);
  }
  return batch;
}

json run_image_entry(const SelectedImage& image, const ModelCard& card, const float* logits, int classes) {
  json entry = {{"source", image.source}, {"name", image.stem}};
  if (image.dataset_index >= 0) entry["dataset_index"] = image.dataset_index;
  if (image.true_class >= 0) entry["true_class"] = {{"index", image.true_class}, {"label", card.label(image.true_class)}};
  const auto top = top_classes(std::vector<float>(logits, logits + classes), 1);
  if (!top.empty()) {
    entry["predicted"] = {{"index", top[0].class_index},
                          {"label", card.label(top[0].class_index)},
                          {"probability", top[0].probability}};
  }
  return entry;
}

json skipped_image_entry(const SelectedImage& image, const std::string& error) {
  return {{"source", image.source}, {"name", image.stem}, {"error", error}};
}

Status write_run_manifest(const std::string& out_dir, const Model& model, const json& settings,
                          const json& images) {
  const json manifest = {{"tool", tool_entry()}, {"model", model_entry(model)}, {"settings", settings},
                         {"images", images}};
  return write_file_atomically(out_dir + "/manifest.json", json_text(manifest, 2) + "\n");
}

}  // namespace actscope::cli
