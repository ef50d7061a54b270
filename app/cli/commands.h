// The subcommands of actscope-cli: each one's options, as the command line
// fills them, and the function that runs it. main_cli.cpp builds the command
// line and dispatches; each run function lives in a file of its own
// (predict.cpp, layers.cpp, ...). Every run function returns the exit code
// (0, kExitFailure or kExitUsage from common.h) after printing any error on
// stderr; results go to stdout or to the files the options name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/cli/common.h"
#include "app/cli/image_run.h"

namespace actscope {
struct CkaRun;
struct FaithfulnessRun;
}

namespace actscope::cli {

// predict: the top classes of images, or a whole dataset into a CSV.
struct PredictOptions {
  CommonFlags common;
  std::string model;
  std::vector<std::string> images;
  std::string dataset;  // instead of images: a class-folder or IDX set
  std::string out;      // with dataset: the CSV to write
  int batch = 256;      // with dataset: images per forward
  int top = 5;
  bool json = false;
  bool quiet = false;
};
int run_predict(const PredictOptions& options);

// layers: every layer (capture point) of a model, as text or JSON.
struct LayersOptions {
  CommonFlags common;
  std::string model;
  bool json = false;
};
int run_layers(const LayersOptions& options);

// activations: one grid PNG per layer (and .npy) and manifest.json; with
// many images, one such folder per image and a manifest of the run.
struct ActivationsOptions {
  CommonFlags common;
  std::string model;
  ImageFlags images;
  std::vector<std::string> layers;  // empty: all layers
  std::string out;                  // an existing folder
  std::string normalization = "filter";
  std::string colormap;  // empty: the normalization's default
  int top = 0;
  bool sort = false;
  bool npy = false;
  bool quiet = false;
};
int run_activations(const ActivationsOptions& options);

// weights: a conv layer's filter weights as a grid PNG (and .npy).
struct WeightsOptions {
  CommonFlags common;
  std::string model;
  std::string layer;
  std::string out;
  std::string npy;  // empty: no .npy
  std::string colormap = "gray";
  int expand = -1;  // >= 0: show this filter's input-channel kernels
};
int run_weights(const WeightsOptions& options);

// cam: a class activation map over the image (or a sheet of every method).
// With many images, <name>.png (and <name>.npy) per image in the --out
// folder and a manifest of the run.
struct CamCliOptions {
  CommonFlags common;
  std::string model;
  ImageFlags images;
  std::vector<std::string> layers;  // empty: the model's default CAM layer
  std::string method = "gradcam";   // or "all"
  std::string target_class;         // empty: the predicted class
  std::string out;
  std::string npy;          // empty: no .npy (one image)
  bool npy_given = false;   // --npy given, with or without a file (many images: <name>.npy)
  float image_weight = 0.5f;
  std::string colormap = "jet";
  int score_batch = 32;
  bool quiet = false;
};
int run_cam(const CamCliOptions& options);

// compare: two images at one layer, written as a comparison folder.
struct CompareOptions {
  CommonFlags common;
  std::string model;
  std::vector<std::string> images;  // A, then B
  std::string layer;
  std::string out;                        // an existing folder
  std::vector<std::string> true_classes;  // A's, then B's (label or index)
  int top = 6;
};
int run_compare(const CompareOptions& options);

// rf: the effective receptive field of one unit over the image, with its
// theoretical window drawn (PNG), and the map as .npy.
struct RfOptions {
  CommonFlags common;
  std::string model;
  std::string image;
  std::string layer;
  std::string unit;  // "Y,X"
  int64_t filter = -1;
  std::string out;
  std::string npy;  // empty: no .npy
  bool quiet = false;
};
int run_rf(const RfOptions& options);

// scan: every filter's statistics over a dataset (or one shard of it), as
// DIR/atlas.json.
struct ScanCliOptions {
  CommonFlags common;
  std::string model;
  std::string dataset;
  std::vector<std::string> layers;  // empty: every layer with spatial maps
  int64_t limit = 0;
  int top_k = 9;
  int batch = 32;
  std::string shard;  // "k/N"; empty: from the scheduler's environment, else the whole dataset
  int shards = 0;     // with a Kubernetes Indexed Job: the number of shards
  std::string out;    // a folder, made when missing
  bool crops = false; // also DIR/crops/<layer>/<filter>.png: the top images cut to the unit's field
  bool quiet = false;
};
int run_scan(const ScanCliOptions& options);

// merge: every shard of one scan (atlas.json) or of one CKA comparison
// (cka.json), combined as one run writes it.
struct MergeOptions {
  std::vector<std::string> shards;  // folders holding atlas.json or cka.json (or the files)
  std::string out;
};
int run_merge(const MergeOptions& options);

// embed: a layer's features over a dataset (or features from a .npy file)
// laid out in 2-D by t-SNE or PCA: DIR/embedding.csv, embedding.png, manifest.json.
struct EmbedCliOptions {
  CommonFlags common;
  std::string model;
  std::string dataset;
  std::string features;  // instead of model and dataset: an N x D float32 .npy
  std::string classes;   // with features: an N integer .npy of true classes
  std::string layer;     // empty: the penultimate layer
  int64_t limit = 0;
  std::string method = "tsne";
  double perplexity = 30.0;
  int iterations = 750;
  uint64_t seed = 0;
  std::string init = "pca";  // t-SNE's start: pca or random (from the seed)
  bool flatten = false;
  int batch = 64;
  std::string out;
  bool quiet = false;
};
int run_embed(const EmbedCliOptions& options);

// cka: model A's layers against model B's over a dataset: DIR/cka.json, cka.png.
struct CkaCliOptions {
  CommonFlags common;
  std::vector<std::string> models;  // A, then B (the same file twice: a model with itself)
  std::string dataset;
  std::vector<std::string> layers_a;  // empty: every layer with maps plus the penultimate
  std::vector<std::string> layers_b;
  int64_t limit = 0;
  int batch = 64;
  std::string shard;  // "k/N"; empty: from the scheduler's environment, else the whole dataset
  int shards = 0;     // with a Kubernetes Indexed Job: the number of shards
  bool b_uses_own_card = false;  // feed B by its own card, not A's (and the card flags)
  std::string out;
  bool quiet = false;
};
int run_cka(const CkaCliOptions& options);
// Writes DIR/cka.png and DIR/cka.json of `run` (cka and merge); the exit code.
int write_cka_files(const CkaRun& run, const std::string& out);

// timeline: a model across its training checkpoints: DIR/timeline.json, timeline.png.
struct TimelineCliOptions {
  CommonFlags common;
  std::vector<std::string> checkpoints;  // files in order, or folders (their *.pt sorted naturally)
  std::string dataset;
  int64_t limit = 0;
  int batch = 64;
  std::string out;
  bool quiet = false;
};
int run_timeline(const TimelineCliOptions& options);

// visualize: the image each filter of a layer responds to most (feature
// visualization by optimization): DIR/<layer>/<filter>.png (and .npy),
// DIR/<layer>.png and DIR/manifest.json.
struct VisualizeCliOptions {
  CommonFlags common;
  std::string model;
  std::string layer;
  std::vector<int> filter;   // --filter F (repeatable)
  std::string filters;       // --filters 0-15,20
  std::string objective = "channel";
  std::string unit;          // "Y,X" for neuron; empty: the centre
  int steps = 512;
  std::string size;          // "HxW"; empty: the card's
  uint64_t seed = 0;
  bool negative = false;
  bool npy = false;
  int batch = 32;
  std::string out;
  bool quiet = false;
};
int run_visualize(const VisualizeCliOptions& options);

// faithfulness: how far to believe each CAM method's map (deletion and
// insertion AUC, confidence change, ROAD) per image and over the images,
// beside a random map: DIR/faithfulness.json and DIR/faithfulness.png.
struct FaithfulnessCliOptions {
  FaithfulnessCliOptions() { images.batch = 16; }
  CommonFlags common;
  std::string model;
  ImageFlags images;                 // --batch: images per CAM batch (default 16)
  int64_t limit = 0;                 // only the first N selected images
  std::vector<std::string> methods;  // empty: every CAM method that applies, and random
  std::vector<std::string> layers;   // empty: the model's default CAM layer
  std::string target_class;          // empty: the predicted class
  std::string score = "probability";
  int step = 0;                      // 0: the input width
  double road_noise = 0.01;
  uint64_t seed = 0;
  int perturbed_batch = 64;
  int score_batch = 32;
  bool npy = false;   // also DIR/maps/<image>/<method>.npy: the maps measured
  std::string shard;  // "k/N"; empty: from the scheduler's environment, else every image
  int shards = 0;
  std::string out;
  bool quiet = false;
};
int run_faithfulness(const FaithfulnessCliOptions& options);
// Writes DIR/faithfulness.json and DIR/faithfulness.png of `run` (faithfulness
// and merge); `labels` name the classes. The exit code.
int write_faithfulness_files(const FaithfulnessRun& run, const std::vector<std::string>& labels, const std::string& out);

}  // namespace actscope::cli
