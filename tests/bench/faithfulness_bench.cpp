// Faithfulness: every metric of Grad-CAM (deletion and insertion curves,
// confidence change, ROAD MoRF and LeRF with noise 0.01) over the first N
// Fashion-MNIST test images, actscope's engine (core/faithfulness) against
// the same computation in Python with torch and scipy
// (tests/bench/python_faithfulness.py), run by this program as a child on
// the same threads with the same batch sizes (16 images per CAM batch, 64
// perturbed images per forward), so both figures come from one run.
//
//   bench_faithfulness [--images N] [--resnet-images M] [--threads T] [--no-python]
//
// Cases: the bundled model (28x28, N images, default 1000) and resnet18 at
// 224x224 (the same images resized, M images, default 2; 0 leaves it out).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/data/dataset.h"
#include "core/faithfulness/faithfulness_run.h"
#include "core/model/model.h"
#include "core/model/model_card.h"
#include "tests/bench/bench_model.h"
#include "tests/bench/bench_support.h"

namespace {

struct BenchCase {
  std::string name;  // python_faithfulness.py --model
  std::string path;
  int images = 0;
};

nlohmann::json python_figures(const BenchCase& bench, int threads) {
  const std::string command = std::string("/usr/bin/python3 '") + ACTSCOPE_SOURCE_DIR +
                              "/tests/bench/python_faithfulness.py' --model " + bench.name + " --fixtures '" +
                              ACTSCOPE_FIXTURE_DIR + "' --threads " + std::to_string(threads) + " --images " +
                              std::to_string(bench.images) + " 2>/dev/null";
  return actscope::bench::child_json(command);
}

void compare(const BenchCase& bench, int threads, bool with_python) {
  actscope::set_thread_count(threads);
  auto model = actscope::bench::load_bench_model(bench.path);
  auto dataset = actscope::open_dataset("/usr/share/datasets/fashion-mnist", model->card());
  if (!dataset) {
    std::cerr << dataset.error() << "\n";
    std::exit(1);
  }
  actscope::FaithfulnessRunOptions options;
  options.methods = {"gradcam"};
  options.metrics.batch_size = 64;
  std::vector<int64_t> indices;
  for (int i = 0; i < bench.images; ++i) indices.push_back(i);
  actscope::Result<actscope::FaithfulnessRun> run = actscope::Error{"not run"};
  const double ours = actscope::bench::time_ms(
      [&] { run = actscope::measure_dataset(*model, dataset.value(), indices, options, 16); });
  if (!run) {
    std::cerr << bench.name << ": " << run.error() << "\n";
    std::exit(1);
  }
  const auto summary = actscope::summarize(run.value());
  std::printf("%-12s %5d images  threads %d  ours %9.2f ms/image  (deletion AUC %.4f, insertion AUC %.4f)\n",
              bench.name.c_str(), bench.images, threads, ours / bench.images, summary[0].metrics[0].mean,
              summary[0].metrics[1].mean);
  if (!with_python) return;
  const nlohmann::json python = python_figures(bench, threads);
  if (python.is_null()) {
    std::printf("%-12s python benchmark failed to run\n", "");
    return;
  }
  const double theirs = python["per_image_ms"].get<double>();
  std::printf("%-12s %5d images  threads %d  python %7.2f ms/image  (deletion AUC %.4f, insertion AUC %.4f)  "
              "speed-up (python / ours) %.2fx\n",
              "", bench.images, threads, theirs, python["deletion_auc"].get<double>(),
              python["insertion_auc"].get<double>(), theirs / (ours / bench.images));
}

}  // namespace

int main(int argc, char** argv) {
  int images = 1000;
  int resnet_images = 2;
  int threads = 2;
  bool with_python = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--images") == 0 && i + 1 < argc) {
      images = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--resnet-images") == 0 && i + 1 < argc) {
      resnet_images = std::max(0, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--no-python") == 0) {
      with_python = false;
    }
  }
  compare({"fashion_cnn", std::string(ACTSCOPE_SOURCE_DIR) + "/resources/models/fashion_cnn.pt", images}, threads,
          with_python);
  if (resnet_images > 0) {
    compare({"resnet18", std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt", resnet_images}, threads,
            with_python);
  }
  return 0;
}
