// faithfulness: every CAM method's map of each image measured by how the
// class score moves when the pixels it calls important are removed or kept
// (core/faithfulness), beside a random map: DIR/faithfulness.json (per image
// and summary) and DIR/faithfulness.png (mean curves and the table). Shards
// of a cluster run are joined by merge.
#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "core/faithfulness/faithfulness_json.h"
#include "core/faithfulness/faithfulness_plot.h"
#include "core/io/npy_writer.h"
#include "core/maps/grid.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

// The run's settings from the flags, before any image is read.
Result<FaithfulnessRunOptions> run_options(const FaithfulnessCliOptions& options, const Model& model) {
  FaithfulnessRunOptions run;
  run.methods = options.methods.empty() ? every_faithfulness_method() : options.methods;
  if (auto checked = check_faithfulness_methods(run.methods); !checked) return Error{checked.error()};
  auto score = parse_faithfulness_score(options.score);
  if (!score) return Error{score.error()};
  run.metrics.score = score.value();
  run.metrics.step = options.step;
  run.metrics.road_noise = options.road_noise;
  run.metrics.seed = options.seed;
  run.metrics.batch_size = options.perturbed_batch;
  run.cam.layers = options.layers;
  if (run.cam.layers.empty()) {
    auto layer = default_cam_layer(model);
    if (!layer) return Error{options.model + ": " + layer.error()};
    run.cam.layers.push_back(layer.value());
  }
  run.cam.score_batch_size = options.score_batch;
  if (!options.target_class.empty()) {
    auto target = parse_class(options.target_class, model.card());
    if (!target) return Error{target.error()};
    run.cam.target_class = target.value();
  }
  return run;
}

// The run positions this shard measures: j % N == k, then the first --limit.
std::vector<size_t> shard_positions(size_t count, const FaithfulnessCliOptions& options, const Shard& shard) {
  std::vector<size_t> positions;
  const size_t limit = options.limit > 0 ? std::min(count, static_cast<size_t>(options.limit)) : count;
  for (size_t j = 0; j < limit; ++j) {
    if (static_cast<int>(j % static_cast<size_t>(shard.count)) == shard.index) positions.push_back(j);
  }
  return positions;
}

std::string stem(const std::string& path) { return fs::path(path).filename().string(); }

// DIR/maps/<image>/<method>.npy for each measured image.
Status write_maps(const std::string& out, const std::string& image, const std::vector<std::string>& methods,
                  const ImageFaithfulness& measured, const ModelCard& card) {
  const fs::path folder = fs::path(out) / "maps" / image;
  if (auto made = make_output_folder(folder.string()); !made) return made;
  for (size_t m = 0; m < methods.size() && m < measured.maps.size(); ++m) {
    const std::string file = (folder / (methods[m] + ".npy")).string();
    if (auto written = write_npy(file, measured.maps[m].data(), {card.height, card.width}); !written) return written;
  }
  return Done{};
}

}  // namespace

int write_faithfulness_files(const FaithfulnessRun& run, const std::vector<std::string>& labels,
                             const std::string& out) {
  std::string subtitle = std::to_string(run.images.size()) + " images" +
                         (run.source.empty() ? "" : " of " + stem(run.source)) + "; score: class " +
                         to_string(run.options.score) + ", " + std::to_string(run.step) +
                         " pixels a step; ROAD noise " + std::to_string(run.options.road_noise).substr(0, 6) +
                         ", seed " + std::to_string(run.options.seed);
  if (run.shards > 1) subtitle += "; shard " + std::to_string(run.shard) + " of " + std::to_string(run.shards);
  std::string layers;
  for (const std::string& layer : run.layers) layers += (layers.empty() ? "" : ", ") + layer;
  const RgbImage picture = draw_faithfulness(summary_series(run), run.curve_x, run.options.score,
                                             "Faithfulness of CAM methods: " + stem(run.model_path) + ", layer " + layers,
                                             subtitle);
  if (const int written = write_output_file(out, "faithfulness.json", faithfulness_to_json(run, labels)); written != 0)
    return written;
  return write_output_file(out, "faithfulness.png", encode_png(picture));
}

int run_faithfulness(const FaithfulnessCliOptions& options) {
  if (const std::string problem = options.images.usage_problem(); !problem.empty()) return usage_error(problem);
  auto shard = resolve_shard(options.shard, options.shards);
  if (!shard) return usage_error(shard.error());
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const Model& model = *loaded.value();
  if (auto names = check_layer_names(model, options.layers); !names) return fail(names.error());
  auto settings = run_options(options, model);
  if (!settings) return fail(settings.error());
  auto selected = select_images(options.images, model, options.quiet);
  if (!selected) return fail(selected.error());
  const ImageRun& images = selected.value();
  const ModelCard card = images.dataset.images.empty() ? model.card() : card_naming_classes(model.card(), images.dataset);
  FaithfulnessRun run;
  run.layers = settings.value().cam.layers;
  run.target_class = options.target_class;
  run.options = settings.value().metrics;
  run.step = options.step > 0 ? options.step : card.width;
  run.curve_x = curve_x(static_cast<int64_t>(card.height) * card.width, run.step);
  run.model_path = fs::absolute(options.model).lexically_normal().string();
  run.model_sha256 = model.sha256();
  run.source = options.images.dataset.empty() ? options.images.image_list : fs::absolute(options.images.dataset).string();
  run.total = options.limit > 0 ? std::min<int64_t>(options.limit, static_cast<int64_t>(images.images.size()))
                                : static_cast<int64_t>(images.images.size());
  settings.value().keep_maps = options.npy;
  run.shard = shard.value().index;
  run.shards = shard.value().count;
  const std::vector<size_t> positions = shard_positions(images.images.size(), options, shard.value());
  // With the default methods, those that do not apply to this model are left
  // out with a note, the same in every shard; one asked for by name that fails is an error.
  if (options.methods.empty()) {
    run.notes = drop_inapplicable_methods(model, settings.value());
    for (const std::string& note : run.notes) std::cerr << "note: " << note << "\n";
  }
  ProgressLine progress(options.quiet, "measuring image");
  const auto batch = static_cast<size_t>(options.images.batch);
  for (size_t first = 0; first < positions.size(); first += batch) {
    std::vector<InputImage> inputs;
    std::vector<int64_t> at, indices;
    std::vector<int> truths;
    for (size_t k = first; k < std::min(positions.size(), first + batch); ++k) {
      const SelectedImage& image = images.images[positions[k]];
      auto input = read_run_image(images, positions[k], card);
      if (!input) {
        fail(input.error());
        run.skipped.push_back(input.error());
        continue;
      }
      inputs.push_back(std::move(input).value());
      at.push_back(static_cast<int64_t>(positions[k]));
      indices.push_back(image.dataset_index >= 0 ? image.dataset_index : static_cast<int64_t>(positions[k]));
      truths.push_back(image.true_class);
    }
    if (inputs.empty()) continue;
    auto measured = measure_images(model, inputs, at, indices, settings.value());
    if (!measured) return fail(measured.error());
    for (size_t n = 0; n < measured.value().size(); ++n) {
      ImageFaithfulness& image = measured.value()[n];
      image.true_class = truths[n];
      image.stem = images.images[static_cast<size_t>(image.position)].stem;
      if (options.npy) {
        if (auto written = write_maps(options.out, image.stem, settings.value().methods, image, card); !written)
          return fail(written.error());
        image.maps.clear();
      }
      run.images.push_back(std::move(image));
    }
    progress(std::min(positions.size(), first + batch), positions.size());
  }
  progress.finish();
  if (run.images.empty() && !run.skipped.empty()) return fail("no image could be read; nothing written");
  run.methods = settings.value().methods;
  if (const int written = write_faithfulness_files(run, card.labels, options.out); written != 0) return written;
  if (run.skipped.empty()) return 0;
  std::cerr << "error: " << run.skipped.size()
            << " images could not be read and were left out (listed in faithfulness.json, \"skipped\")\n";
  return kExitFailure;
}

}  // namespace actscope::cli
