// Grad-CAM cost: the time of one Grad-CAM (forward in grad mode, gradient of
// the target logit down to the layer, weights, map, post-processing) divided
// by the time of the plain TorchScript module.forward on the same input at the
// same thread count, measured in one run (interleaved, median of N pairs).
// The same ratio for the usual Python implementation (forward hook +
// loss.backward(), tests/bench/python_gradcam.py) is measured by a child
// process at the same thread count, and the speed-up is Python's Grad-CAM
// time over ours.
//
//   bench_cam [--iterations N] [--threads T] [--no-python]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <torch/script.h>
#include <nlohmann/json.hpp>

#include "core/explain/cam.h"
#include "core/model/model.h"
#include "tests/bench/bench_support.h"
#include "tests/support/reference.h"

namespace {

struct BenchCase {
  std::string name;  // python_gradcam.py --model
  std::string path;
  std::vector<int64_t> input_shape;
  std::string layer;
};

using actscope::bench::median;
using actscope::bench::time_ms;

// {"forward_ms", "gradcam_ms", "ratio"} from the Python benchmark, or null.
nlohmann::json python_figures(const BenchCase& bench, int threads, int iterations) {
  const std::string command = std::string("/usr/bin/python3 '") + ACTSCOPE_SOURCE_DIR +
                              "/tests/bench/python_gradcam.py' --model " + bench.name + " --fixtures '" +
                              ACTSCOPE_FIXTURE_DIR + "' --threads " + std::to_string(threads) +
                              " --iterations " + std::to_string(iterations) + " 2>/dev/null";
  return actscope::bench::child_json(command);
}

void compare(const BenchCase& bench, int iterations, int threads, bool with_python) {
  actscope::set_thread_count(threads);
  auto model = actscope::Model::load(bench.path);
  if (!model) {  // a benchmark of a model that did not load must not pass as run
    std::cerr << model.error() << "\n";
    std::exit(1);
  }
  auto plain = torch::jit::load(bench.path);
  plain.eval();
  torch::manual_seed(0);
  const torch::Tensor input = torch::randn(bench.input_shape);
  const auto input_array = actscope::test::to_array(input);
  actscope::CamOptions options;
  options.layers = {bench.layer};
  auto run_plain = [&] {
    c10::InferenceMode inference;
    plain.forward({input});
  };
  bool ok = true;
  auto run_cam = [&] { ok = actscope::compute_cam(*model.value(), input_array, options).ok() && ok; };
  for (int i = 0; i < 3; ++i) {
    run_plain();
    run_cam();
  }
  std::vector<double> plain_ms, cam_ms, ratios;
  for (int i = 0; i < iterations; ++i) {
    plain_ms.push_back(time_ms(run_plain));
    cam_ms.push_back(time_ms(run_cam));
    ratios.push_back(cam_ms.back() / plain_ms.back());
  }
  if (!ok) std::cerr << bench.name << ": Grad-CAM failed\n";
  std::printf("%-12s %-7s threads %d  forward %7.2f ms  gradcam %7.2f ms  ratio %.3f\n", bench.name.c_str(),
              bench.layer.c_str(), threads, median(plain_ms), median(cam_ms), median(ratios));
  if (!with_python) return;
  const nlohmann::json python = python_figures(bench, threads, iterations);
  if (python.is_null()) {
    std::printf("%-12s python benchmark failed to run\n", "");
    return;
  }
  const double python_cam = python["gradcam_ms"].get<double>();
  std::printf(
      "%-12s %-7s threads %d  python: forward %7.2f ms  gradcam %7.2f ms  ratio %.3f  "
      "speed-up (python gradcam / ours) %.2fx\n",
      "", "", threads, python["forward_ms"].get<double>(), python_cam, python["ratio"].get<double>(),
      python_cam / median(cam_ms));
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 60;
  std::vector<int> thread_counts{1, 2};
  bool with_python = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      thread_counts = {std::atoi(argv[++i])};
    } else if (std::strcmp(argv[i], "--no-python") == 0) {
      with_python = false;
    }
  }
  const std::vector<BenchCase> cases = {
      {"resnet18", std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt", {1, 3, 224, 224}, "layer4"},
      {"fashion_cnn",
       std::string(ACTSCOPE_SOURCE_DIR) + "/resources/models/fashion_cnn.pt",
       {1, 1, 28, 28},
       "relu5"}};
  for (int threads : thread_counts) {
    for (const auto& bench : cases) compare(bench, iterations, threads, with_python);
  }
  return 0;
}
