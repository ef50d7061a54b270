// cam: a class activation map (Grad-CAM and family) over the image as a PNG,
// the map as .npy with --npy, or with --method all a sheet of every method.
#include "app/cli/commands.h"

#include <cstdio>
#include <iostream>

#include "core/explain/cam.h"
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

// Computes each of `methods` and adds its overlay to `drawn`. With `all`, a
// method that fails is noted on stderr and skipped; otherwise its error is
// returned.
Status draw_methods(const Model& model, const InputImage& image, const std::vector<CamMethod>& methods,
                    bool all, const CamCliOptions& options, Colormap colormap, CamPictures& drawn) {
  auto cam_options = cam_options_of(options, model.card());
  if (!cam_options) return Error{cam_options.error()};
  for (CamMethod method : methods) {
    cam_options.value().method = method;
    ProgressLine progress(options.quiet, to_string(method) + ": masked inputs");
    cam_options.value().progress = progress.callback();
    auto result = compute_cam(model, {image}, cam_options.value());
    progress.finish();
    if (!result) {
      // A sheet shows what could be computed; one method asked for must work.
      if (!all) return Error{result.error()};
      std::cerr << "note: " << to_string(method) << ": " << result.error() << "\n";
      continue;
    }
    const CamResult& cam = result.value();
    const auto& shape = cam.map.shape();
    drawn.pictures.push_back(cam_overlay(image.display, cam.map.data(), static_cast<int>(shape[1]),
                                         static_cast<int>(shape[2]), colormap, options.image_weight));
    drawn.captions.push_back(to_string(method));
    if (!options.quiet) print_summary(model, method, cam);
    if (!options.npy.empty()) drawn.map = cam.map;
  }
  return Done{};
}

// Writes the picture (and the map as .npy): both files or neither.
int write_outputs(const CamCliOptions& options, const RgbImage& picture, const FloatArray& map) {
  if (auto written = write_file_atomically(options.out, encode_png(picture)); !written)
    return fail(written.error());
  if (!options.npy.empty()) {
    const auto& shape = map.shape();
    if (auto written = write_npy(options.npy, map.data(), {shape[1], shape[2]}); !written) {
      std::remove(options.out.c_str());
      return fail(written.error());
    }
  }
  return 0;
}

}  // namespace

int run_cam(const CamCliOptions& options) {
  auto loaded = load_for_cli(options.model, options.common, /*card_required=*/true);
  if (!loaded) return fail(loaded.error());
  const Model& model = *loaded.value();
  if (auto names = check_layer_names(model, options.layers); !names) return fail(names.error());
  const bool all = options.method == "all";
  std::vector<CamMethod> methods;
  if (all) {
    if (!options.npy.empty()) return usage_error("--npy writes one map: choose one --method, not all");
    methods = all_cam_methods();
  } else {
    auto method = parse_cam_method(options.method);
    if (!method) return fail(method.error());
    methods.push_back(method.value());
  }
  auto colormap = parse_colormap(options.colormap);
  if (!colormap) return fail(colormap.error());
  auto image = load_image(options.image, model.card());
  if (!image) return fail(image.error());
  CamPictures drawn;
  drawn.pictures.push_back(image.value().display);
  if (auto done = draw_methods(model, image.value(), methods, all, options, colormap.value(), drawn); !done)
    return fail(done.error());
  if (all && drawn.pictures.size() == 1) return fail(options.model + ": no CAM method could be computed");
  const RgbImage picture = all ? compose_sheet(drawn.pictures, drawn.captions) : drawn.pictures.back();
  return write_outputs(options, picture, drawn.map);
}

}  // namespace actscope::cli
