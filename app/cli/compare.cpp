// compare: two images at one layer, written into an existing folder as their
// grids on a shared scale, the difference, the ranking of the filters, a
// sheet with both images and their CAMs, and manifest.json.
#include "app/cli/commands.h"

#include <filesystem>
#include <iostream>

#include "core/export/comparison_export.h"
#include "core/model/image_input.h"

namespace actscope::cli {
namespace {

Result<std::vector<InputImage>> load_images(const std::vector<std::string>& paths, const ModelCard& card) {
  std::vector<InputImage> inputs;
  for (const auto& path : paths) {
    auto image = read_image(path, card);
    if (!image) return Error{image.error()};
    inputs.push_back(std::move(image).value());
  }
  return inputs;
}

// Each image's prediction and its Grad-CAM for the predicted and the true
// class (--true), into `record`; a missing Grad-CAM is noted on stderr.
Status explain_images(const Model& model, const std::vector<InputImage>& inputs,
                      const CompareOptions& options, ComparisonRecord& record) {
  for (int i = 0; i < 2; ++i) {
    int true_class = -1;
    if (i < static_cast<int>(options.true_classes.size())) {
      auto parsed = parse_class(options.true_classes[i], model.card());
      if (!parsed) return Error{parsed.error()};
      true_class = parsed.value();
    }
    auto image = explain_image(model, inputs[i], true_class);
    if (!image) return Error{options.images[i] + ": " + image.error()};
    record.images[i] = std::move(image).value();
    if (!record.images[i].cam_error.empty())
      std::cerr << "note: no Grad-CAM: " << record.images[i].cam_error << "\n";
  }
  return Done{};
}

}  // namespace

int run_compare(const CompareOptions& options) {
  if (options.images.size() != 2) return usage_error("compare takes exactly two --image (A and B)");
  if (options.true_classes.size() > 2) return usage_error("--true takes A's true class, then B's");
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const Model& model = *loaded.value();
  if (auto names = check_layer_names(model, {options.layer}); !names) return fail(names.error());
  if (auto folder = make_output_folder(options.out); !folder) return fail(folder.error());
  auto inputs = load_images(options.images, model.card());
  if (!inputs) return fail(inputs.error());
  auto comparison = compare_images(model, inputs.value()[0], inputs.value()[1], options.layer);
  if (!comparison) return fail(comparison.error());
  ComparisonRecord record{options.model, options.layer, {options.images[0], options.images[1]}, {}, {}};
  record.comparison = std::move(comparison).value();
  if (auto explained = explain_images(model, inputs.value(), options, record); !explained)
    return fail(explained.error());
  if (auto written = write_comparison(options.out, model.card(), record, options.top); !written)
    return fail(written.error());
  return 0;
}

}  // namespace actscope::cli
