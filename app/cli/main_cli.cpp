// actscope-cli: the command-line front end, for scripts and servers. This
// file builds the command line and dispatches to the subcommands (one file
// each, declared in commands.h).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli/commands.h"
#include "core/base/version.h"

namespace actscope::cli {
namespace {

constexpr const char* kModelHelp = "TorchScript model (.pt)";

// Each add_* adds a subcommand whose flags fill `options` and whose callback
// stores the run's exit code in `exit_code`; both must outlive the parse.

void add_predict(CLI::App& app, PredictOptions& options, int& exit_code) {
  auto* command = app.add_subcommand("predict", "Top-K classes of each image");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_option("--image", options.images, "Image file (repeatable)");
  command->add_option("--dataset", options.dataset,
                      "A folder of class folders, or an IDX image/label pair (file or folder)");
  command->add_option("--out", options.out, "With --dataset: the CSV to write");
  command->add_option("--batch", options.batch, "With --dataset: images per forward (default 256)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--quiet", options.quiet, "No progress line");
  command->add_option("--top", options.top, "Number of classes to list")->check(CLI::PositiveNumber);
  command->add_flag("--json", options.json, "Print JSON instead of text");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_predict(options); });
}

void add_layers(CLI::App& app, LayersOptions& options, int& exit_code) {
  auto* command = app.add_subcommand("layers", "List every layer (capture point) of a model");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_flag("--json", options.json, "Print JSON instead of text");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_layers(options); });
}

void add_activations(CLI::App& app, ActivationsOptions& options, int& exit_code) {
  auto* command =
      app.add_subcommand("activations", "Write one grid PNG per layer (.npy with --npy) and manifest.json");
  command->add_option("--model", options.model, kModelHelp)->required();
  options.images.add_to(command);
  command->add_option("--layer", options.layers, "Layer name (repeatable; default: all layers)");
  command->add_option("--out", options.out,
                      "Output folder, made when missing (with many images: one folder per image in it)")->required();
  command->add_option("--norm", options.normalization, "filter (default), layer or signed")
      ->check(CLI::IsMember({"filter", "layer", "signed"}));
  command->add_option("--colormap", options.colormap,
                      "gray, viridis (default), inferno, magma, jet, turbo, coolwarm (default for signed)");
  command->add_option("--top", options.top, "Show the K most active filters of each layer");
  command->add_flag("--sort", options.sort, "Order tiles by mean activation, highest first");
  command->add_flag("--npy", options.npy, "Also write the raw maps as .npy");
  command->add_flag("--quiet", options.quiet, "No progress line");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_activations(options); });
}

void add_weights(CLI::App& app, WeightsOptions& options, int& exit_code) {
  auto* command = app.add_subcommand("weights", "Write a conv layer's filter weights as a grid PNG");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_option("--layer", options.layer, "Conv2d layer name")->required();
  command->add_option("--out", options.out, "Output PNG file")->required();
  command->add_option("--npy", options.npy, "Also write the raw weights [out, in, kh, kw] as .npy");
  command->add_option("--colormap", options.colormap, "For filters with other than 3 inputs (default gray)");
  command->add_option("--expand", options.expand, "Show this filter's input-channel kernels");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_weights(options); });
}

void add_cam(CLI::App& app, CamCliOptions& options, int& exit_code) {
  auto* command =
      app.add_subcommand("cam", "Write a class activation map (Grad-CAM and family) over the image");
  command->add_option("--model", options.model, kModelHelp)->required();
  options.images.add_to(command);
  command->add_option("--layer", options.layers,
                      "Layer with [N, C, h, w] output (repeatable: the mean of the layers' maps; "
                      "default: the last such layer)");
  command->add_option("--method", options.method,
                      "gradcam (default), hirescam, gradcam++, xgradcam, layercam, eigencam, scorecam, cam, "
                      "or all (a sheet with every method side by side)");
  command->add_option("--class", options.target_class,
                      "Target class: an index or a label of the model card (default: the predicted class)");
  command->add_option("--out", options.out,
                      "Output PNG: the heatmap over the image (with many images: a folder, made when missing)")->required();
  command
      ->add_option("--npy", options.npy,
                   "Also write the final [H, W] float32 map on [0, 1] as .npy (many images: --npy alone, "
                   "<name>.npy)")
      ->expected(0, 1);
  command
      ->add_option("--image-weight", options.image_weight, "Weight of the image in the overlay (default 0.5)")
      ->check(CLI::Range(0.0f, 1.0f));
  command->add_option("--colormap", options.colormap, "Heatmap colormap (default jet)");
  command
      ->add_option("--score-batch", options.score_batch, "Score-CAM: masked inputs per forward (default 32)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--quiet", options.quiet, "No progress or summary on stderr");
  options.common.add_to(command);
  command->callback([&, command] {
    options.npy_given = command->count("--npy") > 0;
    exit_code = run_cam(options);
  });
}

void add_compare(CLI::App& app, CompareOptions& options, int& exit_code) {
  auto* command =
      app.add_subcommand("compare", "Compare two images at one layer: grids, difference, ranking");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_option("--image", options.images, "Image A, then image B")->required();
  command->add_option("--layer", options.layer, "Layer name")->required();
  command->add_option("--out", options.out, "Output folder (made when missing)")->required();
  command->add_option("--true", options.true_classes,
                      "True class of A, then of B (label or index): the sheet adds its Grad-CAM");
  command->add_option("--top", options.top, "Most different filters shown on the sheet")
      ->check(CLI::Range(0, 64));
  options.common.add_to(command);
  command->callback([&] { exit_code = run_compare(options); });
}

void add_rf(CLI::App& app, RfOptions& options, int& exit_code) {
  auto* command = app.add_subcommand(
      "rf", "A unit's effective receptive field (input gradient) over the image, its theoretical field boxed");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_option("--image", options.image, "Image file")->required();
  command->add_option("--layer", options.layer, "Layer name (a layer with maps)")->required();
  command->add_option("--unit", options.unit, "Y,X: the unit's row and column in the layer's map")->required();
  command->add_option("--filter", options.filter, "One filter of the unit (default: the sum over all filters)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--out", options.out, "Output PNG: the field over the image")->required();
  command->add_option("--npy", options.npy, "Also write the [H, W] float32 field on [0, 1] as .npy");
  command->add_flag("--quiet", options.quiet, "No summary on stderr");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_rf(options); });
}

void add_scan(CLI::App& app, ScanCliOptions& options, int& exit_code) {
  auto* command = app.add_subcommand("scan", "Every filter's statistics and top images over a dataset (atlas.json)");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_option("--dataset", options.dataset,
                      "A folder of class folders, a plain folder of images, or an IDX image/label pair")
      ->required();
  command->add_option("--layer", options.layers, "Layer name (repeatable; default: every layer with maps)");
  command->add_option("--limit", options.limit, "Only the first N images in dataset order")->check(CLI::PositiveNumber);
  command->add_option("--top-k", options.top_k, "Top images kept per filter (default 9)")->check(CLI::PositiveNumber);
  command->add_option("--batch", options.batch, "Images per forward (default 32)")->check(CLI::PositiveNumber);
  command->add_option("--shard", options.shard,
                      "k/N: scan images i with i % N == k (default: from SLURM_ARRAY_TASK_* or, with --shards, "
                      "JOB_COMPLETION_INDEX)");
  command->add_option("--shards", options.shards, "Number of shards of a Kubernetes Indexed Job")
      ->check(CLI::PositiveNumber);
  command->add_option("--out", options.out, "Output folder (made when missing): atlas.json")->required();
  command->add_flag("--crops", options.crops,
                    "Also write crops/<layer>/<filter>.png: each filter's top images cut to the receptive field of "
                    "the unit where its map peaks (with --shard: this shard's top images)");
  command->add_flag("--quiet", options.quiet, "No progress line");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_scan(options); });
}

void add_faithfulness(CLI::App& app, FaithfulnessCliOptions& options, int& exit_code) {
  auto* command = app.add_subcommand(
      "faithfulness", "How far to believe each CAM method: deletion/insertion AUC, confidence change and ROAD per "
                      "image and over the images, beside a random map (faithfulness.json, faithfulness.png)");
  command->add_option("--model", options.model, kModelHelp)->required();
  options.images.add_to(command);
  command->get_option("--batch")->description("Images per CAM batch (default 16)");
  command->add_option("--limit", options.limit, "Only the first N selected images")->check(CLI::PositiveNumber);
  command->add_option("--method", options.methods,
                      "gradcam, hirescam, gradcam++, xgradcam, layercam, eigencam, scorecam, cam or random "
                      "(repeatable; default: every method that applies, and random)");
  command->add_option("--layer", options.layers,
                      "The CAM's layer (repeatable: the mean of the layers' maps; default: the last layer with maps)");
  command->add_option("--class", options.target_class,
                      "The class scored: an index or a label of the model card (default: each image's predicted class)");
  command->add_option("--score", options.score, "probability (the class's softmax, default) or logit")
      ->check(CLI::IsMember({"probability", "logit"}));
  command->add_option("--step", options.step, "Pixels deleted or inserted per step of the curves (default: the "
                                              "input width)")->check(CLI::PositiveNumber);
  command->add_option("--road-noise", options.road_noise,
                      "ROAD: standard deviation of the noise added to imputed pixels (default 0.01; 0: none)")
      ->check(CLI::Range(0.0, 1e6));
  command->add_option("--seed", options.seed, "Seeds ROAD's noise and the random maps (default 0)");
  command->add_flag("--npy", options.npy,
                    "Also write each image's maps as DIR/maps/<image>/<method>.npy ([H, W] float32, as measured)");
  command->add_option("--perturbed-batch", options.perturbed_batch, "Perturbed images per forward (default 64)")
      ->check(CLI::Range(1, 4096));
  command->add_option("--score-batch", options.score_batch, "Score-CAM: masked inputs per forward (default 32)")
      ->check(CLI::PositiveNumber);
  command->add_option("--shard", options.shard,
                      "k/N: images j with j % N == k (default: from SLURM_ARRAY_TASK_* or, with --shards, "
                      "JOB_COMPLETION_INDEX)");
  command->add_option("--shards", options.shards, "Number of shards of a Kubernetes Indexed Job")
      ->check(CLI::PositiveNumber);
  command->add_option("--out", options.out, "Output folder (made when missing)")->required();
  command->add_flag("--quiet", options.quiet, "No progress line");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_faithfulness(options); });
}

void add_merge(CLI::App& app, MergeOptions& options, int& exit_code) {
  auto* command = app.add_subcommand("merge", "Merge every shard of a scan (atlas.json), a cka run (cka.json) or a faithfulness run "
                                                 "(faithfulness.json)");
  command->add_option("shards", options.shards, "Shard output folders (or their atlas.json / cka.json / faithfulness.json)")->required();
  command->add_option("--out", options.out, "Output folder (made when missing): atlas.json, cka.json and cka.png, or faithfulness.json and "
                                                "faithfulness.png")
      ->required();
  command->callback([&] { exit_code = run_merge(options); });
}

void add_cka(CLI::App& app, CkaCliOptions& options, int& exit_code) {
  auto* command = app.add_subcommand("cka", "How alike two models' layers are over a dataset (cka.json, cka.png)");
  command->add_option("--model", options.models, "Model A, then model B (give the same file twice for a model "
                                                 "with itself)")->required();
  command->add_option("--dataset", options.dataset, "A folder of class folders, a plain folder of images, or an IDX set")
      ->required();
  command->add_option("--layer-a", options.layers_a, "A's layer (repeatable; default: every layer with maps and the "
                                                     "penultimate)");
  command->add_option("--layer-b", options.layers_b, "B's layer (repeatable; default as A's)");
  command->add_option("--limit", options.limit, "Only the first N images in dataset order")->check(CLI::PositiveNumber);
  command->add_option("--batch", options.batch, "Images per batch, 4 to 4096 (default 64); the last partial batch "
                                                "is left out")->check(CLI::Range(4, 4096));
  command->add_option("--shard", options.shard, "k/N: batches j with j % N == k (default: from SLURM_ARRAY_TASK_* or, "
                                                "with --shards, JOB_COMPLETION_INDEX)");
  command->add_option("--shards", options.shards, "Number of shards of a Kubernetes Indexed Job")
      ->check(CLI::PositiveNumber);
  command->add_flag("--b-uses-own-card", options.b_uses_own_card,
                    "Feed B by its own card (input size, normalization) instead of A's and the card flags");
  command->add_option("--out", options.out, "Output folder (made when missing)")->required();
  command->add_flag("--quiet", options.quiet, "No progress line");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_cka(options); });
}

void add_timeline(CLI::App& app, TimelineCliOptions& options, int& exit_code) {
  auto* command = app.add_subcommand(
      "timeline", "A model across its training checkpoints: accuracy, dead filters, CKA to the last (timeline.json, .png)");
  command->add_option("--checkpoints", options.checkpoints,
                      "Checkpoints (.pt) in training order, or a folder of them (sorted naturally: epoch_2 before "
                      "epoch_10)")->required();
  command->add_option("--dataset", options.dataset, "A folder of class folders, a plain folder of images, or an IDX set")
      ->required();
  command->add_option("--limit", options.limit, "Only the first N images in dataset order")->check(CLI::PositiveNumber);
  command->add_option("--batch", options.batch, "Images per batch, 4 to 4096 (default 64)")->check(CLI::Range(4, 4096));
  command->add_option("--out", options.out, "Output folder (made when missing)")->required();
  command->add_flag("--quiet", options.quiet, "No progress line");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_timeline(options); });
}

// Ends the process with `code` without running static destructors: those of
// LibTorch deregister its thousands of operators one by one, about 40 ms of
// every run. By now every file is written and closed; the streams are
// flushed here. Sanitizer builds exit normally, so that LeakSanitizer still
// checks for leaks at exit.
int exit_now(int code) {
#ifndef __SANITIZE_ADDRESS__
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
#endif
  return code;
}

void add_embed(CLI::App& app, EmbedCliOptions& options, int& exit_code) {
  auto* command = app.add_subcommand(
      "embed", "A layer's features over a dataset laid out by t-SNE or PCA (embedding.csv, .png, manifest.json)");
  command->add_option("--model", options.model, kModelHelp);
  command->add_option("--dataset", options.dataset,
                      "A folder of class folders, or an IDX image/label pair (file or folder)");
  command->add_option("--features", options.features,
                      "Instead of --model and --dataset: an N x D float32 .npy of features");
  command->add_option("--classes", options.classes, "With --features: an .npy of N integer true classes");
  command->add_option("--layer", options.layer, "Layer whose output is embedded (default: the penultimate)");
  command->add_flag("--flatten", options.flatten, "A layer with maps: every value, not each map's mean");
  command->add_option("--limit", options.limit, "Only the first N images (rows)")->check(CLI::NonNegativeNumber);
  command->add_option("--method", options.method, "tsne (default) or pca")->check(CLI::IsMember({"tsne", "pca"}));
  command->add_option("--perplexity", options.perplexity, "t-SNE perplexity (default 30)")
      ->check(CLI::Range(1.0, 1000.0));
  command->add_option("--iterations", options.iterations,
                      "t-SNE iterations in all, the 250 of early exaggeration included (default 750)")
      ->check(CLI::Range(1, 100000));
  command->add_option("--init", options.init, "t-SNE's start: pca (default) or random (Gaussian, from --seed)")
      ->check(CLI::IsMember({"pca", "random"}));
  command->add_option("--seed", options.seed, "Seed of the random start (default 0)");
  command->add_option("--batch", options.batch, "Images per forward (default 64)")->check(CLI::PositiveNumber);
  command->add_option("--out", options.out, "Output folder, made when missing")->required();
  command->add_flag("--quiet", options.quiet, "No progress line");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_embed(options); });
}

void add_visualize(CLI::App& app, VisualizeCliOptions& options, int& exit_code) {
  auto* command = app.add_subcommand(
      "visualize", "What each filter of a layer responds to most: images optimized for it (feature visualization)");
  command->add_option("--model", options.model, kModelHelp)->required();
  command->add_option("--layer", options.layer, "Layer name")->required();
  command->add_option("--filter", options.filter, "Filter index (repeatable; default: every filter of the layer)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--filters", options.filters, "Filter indices such as 0-15,20 (ranges inclusive)");
  command->add_option("--objective", options.objective,
                      "channel (a filter's mean, default), neuron (one unit) or layer (the layer's mean)")
      ->check(CLI::IsMember({"channel", "neuron", "layer"}));
  command->add_option("--unit", options.unit, "Y,X: the unit for --objective neuron (default: the map's centre)");
  command->add_option("--steps", options.steps, "Adam steps (default 512)")->check(CLI::Range(1, 100000));
  command->add_option("--size", options.size, "HxW of the image (default: the card's input size)");
  command->add_option("--seed", options.seed, "Seed of the spectra and transforms (default 0)");
  command->add_flag("--negative", options.negative, "What the filter responds to least (minimize)");
  command->add_flag("--npy", options.npy, "Also write each model input (C x H x W float32, normalized) as .npy");
  command->add_option("--batch", options.batch, "Images optimized together (default 32)")->check(CLI::Range(1, 1024));
  command->add_option("--out", options.out, "Output folder (made when missing)")->required();
  command->add_flag("--quiet", options.quiet, "No progress or summary on stderr");
  options.common.add_to(command);
  command->callback([&] { exit_code = run_visualize(options); });
}

}  // namespace
}  // namespace actscope::cli

int main(int argc, char** argv) {
  using namespace actscope::cli;
  // Under a file-size limit (ulimit -f) a write then fails (EFBIG) and is
  // reported, its temporary file removed, instead of the kernel killing the
  // program mid-file.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"actscope-cli: activation maps, filter weights and class activation maps of TorchScript CNNs"};
  app.set_version_flag("--version", "actscope-cli " + actscope::version() +
                                         "\nbundled model and samples: " + actscope::resource_dir());
  app.require_subcommand(1);
  int exit_code = 0;
  PredictOptions predict;
  LayersOptions layers;
  ActivationsOptions activations;
  WeightsOptions weights;
  CamCliOptions cam;
  CompareOptions compare;
  RfOptions rf;
  ScanCliOptions scan;
  MergeOptions merge;
  EmbedCliOptions embed;
  CkaCliOptions cka;
  TimelineCliOptions timeline;
  VisualizeCliOptions visualize;
  FaithfulnessCliOptions faithfulness;
  add_predict(app, predict, exit_code);
  add_layers(app, layers, exit_code);
  add_activations(app, activations, exit_code);
  add_weights(app, weights, exit_code);
  add_cam(app, cam, exit_code);
  add_compare(app, compare, exit_code);
  add_rf(app, rf, exit_code);
  add_scan(app, scan, exit_code);
  add_merge(app, merge, exit_code);
  add_embed(app, embed, exit_code);
  add_cka(app, cka, exit_code);
  add_timeline(app, timeline, exit_code);
  add_visualize(app, visualize, exit_code);
  add_faithfulness(app, faithfulness, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, the version, or what is wrong
    return exit_now(code == 0 ? 0 : kExitUsage);
  } catch (const std::exception& e) {
    // Core returns errors as values; this is the last guard against a crash.
    return exit_now(fail(e.what()));
  }
  return exit_now(exit_code);
}
