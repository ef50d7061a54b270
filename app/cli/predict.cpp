// predict: the top classes of each image on stdout, or a whole dataset's
// predictions into a CSV with the accuracy on stderr.
#include "app/cli/commands.h"

#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"
#include "core/data/dataset.h"
#include "core/data/predictions_csv.h"
#include "core/model/image_input.h"

namespace actscope::cli {
namespace {

void print_predictions(const ModelCard& card, const InputImage& image, const std::vector<ClassScore>& top) {
  std::cout << image.name << "\n";
  for (const auto& score : top) {
    std::cout << "  " << std::setw(3) << score.class_index << "  " << std::fixed << std::setprecision(4)
              << score.probability << "  " << card.label(score.class_index) << "\n";
  }
}

nlohmann::json predictions_json(const ModelCard& card, const InputImage& image,
                                const std::vector<ClassScore>& top) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& score : top) {
    classes.push_back({{"class", score.class_index},
                       {"label", card.label(score.class_index)},
                       {"probability", score.probability}});
  }
  return {{"image", image.name}, {"top", classes}};
}

// The images given with --image: their top classes on stdout.
int print_image_predictions(const PredictOptions& options, const Model& model) {
  const ModelCard& card = model.card();
  std::vector<InputImage> inputs;
  for (const auto& path : options.images) {
    auto image = read_image(path, card);
    if (!image) return fail(image.error());
    inputs.push_back(std::move(image).value());
  }
  auto logits = model.logits(inputs);
  if (!logits) return fail(logits.error());
  nlohmann::json all = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto top = top_classes(logits.value()[i], options.top);
    if (options.json) {
      all.push_back(predictions_json(card, inputs[i], top));
    } else {
      print_predictions(card, inputs[i], top);
    }
  }
  if (options.json) std::cout << json_text(all, 2) << "\n";
  return 0;
}

// Every image of a dataset: one CSV row each, the accuracy on stderr. An
// image that cannot be read (or gets NaN/Inf logits) is named, skipped and
// counted: the others are written, and the exit code is 1.
int write_dataset_predictions(const PredictOptions& options, const Model& model) {
  const ModelCard& card = model.card();
  auto dataset = open_dataset(options.dataset, card);
  if (!dataset) return fail(dataset.error());
  ProgressLine progress(options.quiet, "predicting image");
  DatasetPredictOptions predict_options;
  predict_options.batch_size = options.batch;
  predict_options.progress = progress.callback();
  auto predictions = predict_dataset(model, dataset.value(), predict_options);
  progress.finish();
  if (!predictions) return fail(predictions.error());
  const auto& images = dataset.value().images;
  if (auto folder = make_output_parent(options.out); !folder) return fail(folder.error());
  if (auto written = write_predictions_csv(options.out, images, predictions.value(),
                                           card_naming_classes(card, dataset.value()));
      !written)
    return fail(written.error());
  const size_t unreadable = count_unreadable(predictions.value());
  for (const DatasetPrediction& p : predictions.value()) {
    if (p.unreadable()) std::cerr << "skipped: " << p.error << "\n";
  }
  std::cerr << "accuracy " << std::fixed << std::setprecision(4) << accuracy(predictions.value()) << " ("
            << count_correct(predictions.value()) << "/" << images.size() - unreadable << ") on "
            << dataset.value().source << "\n";
  if (unreadable > 0) {
    std::cerr << "error: " << unreadable << " of " << images.size()
              << " images were skipped: unreadable, or NaN/Inf logits (their rows in " << options.out
              << " say why)\n";
    return kExitFailure;
  }
  return 0;
}

}  // namespace

int run_predict(const PredictOptions& options) {
  if (options.images.empty() == options.dataset.empty())
    return usage_error("give --image (one or more) or --dataset, not both");
  if (!options.dataset.empty() && options.out.empty())
    return usage_error("--dataset needs --out predictions.csv");
  auto model = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!model) return fail(model.error());
  if (!options.dataset.empty()) return write_dataset_predictions(options, *model.value());
  return print_image_predictions(options, *model.value());
}

}  // namespace actscope::cli
