// cam: a class activation map (Grad-CAM and family) over the image as a PNG,
// the map as .npy with --npy, or with --method all a sheet of every method.
// With many images, they go through the model in batches and each one's
// files are written into the --out folder, beside a manifest of the run.
#include "app/cli/commands.h"

#include <cstdio>
#include <filesystem>
#include <future>
#include <iostream>

#include "core/explain/cam.h"
#include "core/explain/cam_figure.h"
#include "core/io/atomic_file.h"
#include "core/io/npy_writer.h"
#include "core/maps/cam_render.h"
#include "core/model/image_input.h"

namespace actscope::cli {
namespace {

// What the methods drew: the input, then one overlay per method that worked.
struct CamPictures {
  std::vector<RgbImage> pictures;
  std::vector<std::string> captions{"input"};
  FloatArray map;  // the last method's map, for --npy
};

// The CAM options the flags ask for, or the error of an unknown class.
Result<CamOptions> cam_options_of(const CamCliOptions& options, const ModelCard& card) {
  CamOptions cam_options;
  cam_options.layers = options.layers;
  cam_options.score_batch_size = options.score_batch;
  if (!options.target_class.empty()) {
    auto target = parse_class(options.target_class, card);
    if (!target) return Error{target.error()};
    cam_options.target_class = target.value();
  }
  return cam_options;
}

// Says on stderr which class and layers `method` explained.
void print_summary(const Model& model, CamMethod method, const CamResult& cam) {
  std::string layers;
  for (const auto& layer : cam.layers) layers += (layers.empty() ? "" : ", ") + layer.layer;
  std::cerr << to_string(method) << ": class " << cam.classes.front() << " ("
            << model.card().label(cam.classes.front()) << "), layer " << layers << "\n";
}

// Computes `method`'s map of one image and adds its overlay to `drawn`; the
// error when it cannot be computed (the sheet of every method is
// all_methods_sheet's).
Status draw_method(const Model& model, const InputImage& image, CamMethod method, const CamCliOptions& options,
                   Colormap colormap, CamPictures& drawn) {
  auto cam_options = cam_options_of(options, model.card());
  if (!cam_options) return Error{cam_options.error()};
  cam_options.value().method = method;
  ProgressLine progress(options.quiet, to_string(method) + ": masked inputs");
  cam_options.value().progress = progress.callback();
  auto result = compute_cam(model, {image}, cam_options.value());
  progress.finish();
  if (!result) return Error{result.error()};
  const CamResult& cam = result.value();
  const auto& shape = cam.map.shape();
  drawn.pictures.push_back(cam_overlay(image.display, cam.map.data(), static_cast<int>(shape[1]),
                                       static_cast<int>(shape[2]), colormap, options.image_weight));
  drawn.captions.push_back(to_string(method));
  if (!options.quiet) print_summary(model, method, cam);
  if (!options.npy.empty()) drawn.map = cam.map;
  return Done{};
}

// What a batch of a many-image run drew, per image.
struct BatchPictures {
  std::vector<CamPictures> images;
  FloatArray logits;          // [N, classes] of the first method that worked
  std::vector<int> classes;   // the target class of each image
  std::string error;          // set when no method worked (the batch is skipped)
};

// Computes each of `methods` for the whole batch and draws every image's overlays.
BatchPictures draw_batch(const Model& model, const std::vector<InputImage>& inputs,
                         const std::vector<CamMethod>& methods, bool all, const CamCliOptions& options,
                         Colormap colormap) {
  BatchPictures drawn;
  drawn.images.resize(inputs.size());
  for (size_t b = 0; b < inputs.size(); ++b) drawn.images[b].pictures.push_back(inputs[b].display);
  auto cam_options = cam_options_of(options, model.card());
  if (!cam_options) {
    drawn.error = cam_options.error();
    return drawn;
  }
  for (CamMethod method : methods) {
    cam_options.value().method = method;
    auto result = compute_cam(model, inputs, cam_options.value());
    if (!result) {
      if (!all) {
        drawn.error = result.error();
        return drawn;
      }
      std::cerr << "note: " << to_string(method) << ": " << result.error() << "\n";
      continue;
    }
    const CamResult& cam = result.value();
    const auto& shape = cam.map.shape();
    const int64_t plane = shape[1] * shape[2];
    for (size_t b = 0; b < inputs.size(); ++b) {
      CamPictures& image = drawn.images[b];
      image.pictures.push_back(cam_overlay(inputs[b].display, cam.map.data() + b * plane,
                                           static_cast<int>(shape[1]), static_cast<int>(shape[2]), colormap,
                                           options.image_weight));
      image.captions.push_back(to_string(method));
      image.map = FloatArray({shape[1], shape[2]},
                             std::vector<float>(cam.map.data() + b * plane, cam.map.data() + (b + 1) * plane));
    }
    if (drawn.classes.empty()) {
      drawn.logits = cam.logits;
      drawn.classes = cam.classes;
    }
  }
  if (drawn.classes.empty()) drawn.error = options.model + ": no CAM method could be computed";
  return drawn;
}

// Writes one image's picture and, unless `npy` is empty, its map (whose
// last two dimensions are [H, W]) as .npy: both files or neither.
Status write_image_outputs(const std::string& png, const std::string& npy, const RgbImage& picture,
                           const FloatArray& map) {
  if (auto written = write_file_atomically(png, encode_png(picture)); !written) return written;
  if (!npy.empty()) {
    const auto& shape = map.shape();
    if (auto written = write_npy(npy, map.data(), {shape[shape.size() - 2], shape.back()}); !written) {
      std::remove(png.c_str());
      return written;
    }
  }
  return Done{};
}

// The many-image run: batches through the model, files per image, the
// run's manifest; a bad image is reported and skipped (exit code 1 at the end).
int run_cam_many(const CamCliOptions& options, const Model& model, const std::vector<CamMethod>& methods, bool all,
                 Colormap colormap) {
  if (!options.npy.empty())
    return usage_error("with more than one image, give --npy alone: each map goes to <out>/<name>.npy");
  if (auto folder = make_output_folder(options.out); !folder) return fail(folder.error());
  auto run = select_images(options.images, model, options.quiet);
  if (!run) return fail(run.error());
  const auto& images = run.value().images;
  std::vector<nlohmann::json> entries(images.size());  // in run order
  int skipped = 0;
  ProgressLine progress(options.quiet, "cam: image");
  // A batch's files are encoded and written on a thread of their own while
  // the next batch runs through the model.
  std::future<Status> writing;
  auto wait_for_writing = [&writing]() -> Status { return writing.valid() ? writing.get() : Status{Done{}}; };
  const auto batch_size = static_cast<size_t>(options.images.batch);
  for (size_t first = 0; first < images.size(); first += batch_size) {
    const size_t end = std::min(images.size(), first + batch_size);
    RunBatch batch = read_run_batch(run.value(), first, end, model.card(), entries, skipped);
    const std::vector<InputImage>& inputs = batch.inputs;
    const std::vector<size_t>& which = batch.which;
    if (inputs.empty()) continue;
    BatchPictures drawn = draw_batch(model, inputs, methods, all, options, colormap);
    const int classes = drawn.logits.dim() == 2 ? static_cast<int>(drawn.logits.shape()[1]) : 0;
    std::vector<std::pair<std::string, std::string>> files(inputs.size());  // (png, npy) paths
    for (size_t b = 0; b < inputs.size(); ++b) {
      const SelectedImage& image = images[which[b]];
      if (!drawn.error.empty()) {
        fail(image.source + ": " + drawn.error);
        entries[which[b]] = skipped_image_entry(image, drawn.error);
        ++skipped;
        continue;
      }
      const std::string png = image.stem + ".png";
      const std::string npy = options.npy_given ? image.stem + ".npy" : "";
      files[b] = {options.out + "/" + png, npy.empty() ? "" : options.out + "/" + npy};
      nlohmann::json entry = run_image_entry(image, model.card(), drawn.logits.data() + b * classes, classes);
      entry["target_class"] = {{"index", drawn.classes[b]}, {"label", model.card().label(drawn.classes[b])}};
      entry["png"] = png;
      if (!npy.empty()) entry["npy"] = npy;
      entries[which[b]] = std::move(entry);
    }
    if (auto written = wait_for_writing(); !written) return fail(written.error());  // fails every image alike
    if (drawn.error.empty()) {
      writing = std::async(std::launch::async, [all, files = std::move(files), drawn = std::move(drawn)]() -> Status {
        for (size_t b = 0; b < files.size(); ++b) {
          const CamPictures& pictures = drawn.images[b];
          const RgbImage picture =
              all ? compose_sheet(pictures.pictures, pictures.captions) : pictures.pictures.back();
          if (auto written = write_image_outputs(files[b].first, files[b].second, picture, pictures.map); !written)
            return written;
        }
        return Done{};
      });
    }
    progress(end, images.size());
  }
  if (auto written = wait_for_writing(); !written) return fail(written.error());
  progress.finish();
  const nlohmann::json settings = {{"command", "cam"},
                                   {"method", options.method},
                                   {"layers", options.layers},
                                   {"class", options.target_class},
                                   {"colormap", options.colormap},
                                   {"image_weight", options.image_weight},
                                   {"batch", options.images.batch}};
  if (auto written = write_run_manifest(options.out, model, settings, nlohmann::json(entries)); !written)
    return fail(written.error());
  if (!options.quiet) {
    std::cerr << "wrote " << images.size() - skipped << " of " << images.size() << " images and "
              << options.out << "/manifest.json\n";
  }
  return skipped > 0 ? kExitFailure : 0;
}

}  // namespace

int run_cam(const CamCliOptions& options) {
  if (const std::string problem = options.images.usage_problem(); !problem.empty()) return usage_error(problem);
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const Model& model = *loaded.value();
  if (auto names = check_layer_names(model, options.layers); !names) return fail(names.error());
  const bool all = options.method == "all";
  std::vector<CamMethod> methods;
  if (all) {
    if (options.npy_given) return usage_error("--npy writes one map: choose one --method, not all");
    methods = sheet_methods();
  } else {
    auto method = parse_cam_method(options.method);
    if (!method) return fail(method.error());
    methods.push_back(method.value());
  }
  auto colormap = parse_colormap(options.colormap);
  if (!colormap) return fail(colormap.error());
  if (options.images.many()) return run_cam_many(options, model, methods, all, colormap.value());
  if (options.npy_given && options.npy.empty()) return usage_error("--npy needs a file name with one image");
  auto image = read_image(options.images.images.front(), model.card());
  if (!image) return fail(image.error());
  CamPictures drawn;
  drawn.pictures.push_back(image.value().display);
  RgbImage picture;
  if (all) {  // the window's All Methods sheet
    auto cam_options = cam_options_of(options, model.card());
    if (!cam_options) return fail(cam_options.error());
    ProgressLine progress(options.quiet, "cam: method");
    auto sheet = all_methods_sheet(model, image.value(), cam_options.value(), options.image_weight,
                                   progress.callback(), colormap.value());
    progress.finish();
    if (!sheet) return fail(options.model + ": " + sheet.error());
    for (const std::string& note : sheet.value().notes) std::cerr << "note: " << note << "\n";
    picture = std::move(sheet.value().sheet);
  } else {
    if (auto done = draw_method(model, image.value(), methods.front(), options, colormap.value(), drawn); !done)
      return fail(done.error());
    picture = drawn.pictures.back();
  }
  for (const std::string& file : {options.out, options.npy}) {
    if (auto folder = make_output_parent(file); !folder) return fail(folder.error());
  }
  if (auto written = write_image_outputs(options.out, options.npy, picture, drawn.map); !written)
    return fail(written.error());
  return 0;
}

}  // namespace actscope::cli
