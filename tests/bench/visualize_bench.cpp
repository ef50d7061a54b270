// Feature visualization: time per optimization step of actscope's engine
// (core/visualize) against the same optimization written in Python with
// torch (tests/bench/python_visualize.py: the same parametrization,
// transforms, Adam and filters, the model's parameters frozen), run by this
// program as a child on the same threads, so both figures come from one run.
//
//   bench_visualize [--steps N] [--threads T] [--no-python] [--no-resnet]
//
// Cases: 32 filters of the bundled model's relu3 (28x28) and 8 filters of
// resnet18's layer3 at 224x224 (fixtures). A step's time is the time between
// two progress callbacks; the median over N steps after 3 warm-up steps.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/model/model.h"
#include "core/model/model_card.h"
#include "core/visualize/visualize.h"
#include "tests/bench/bench_model.h"
#include "tests/bench/bench_support.h"

namespace {

struct BenchCase {
  std::string name;  // python_visualize.py --model
  std::string path;
  std::string layer;
  int filters = 32;
};

using actscope::bench::median;

// {"step_ms"} from the Python benchmark, or null.
nlohmann::json python_figures(const BenchCase& bench, int threads, int steps) {
  const std::string command = std::string("/usr/bin/python3 '") + ACTSCOPE_SOURCE_DIR +
                              "/tests/bench/python_visualize.py' --model " + bench.name + " --fixtures '" +
                              ACTSCOPE_FIXTURE_DIR + "' --threads " + std::to_string(threads) + " --filters " +
                              std::to_string(bench.filters) + " --steps " + std::to_string(steps) + " 2>/dev/null";
  return actscope::bench::child_json(command);
}

// The median step of visualize() over `steps` steps after 3 warm-up steps.
double our_step_ms(const actscope::Model& model, const BenchCase& bench, int steps) {
  actscope::VisualizeOptions options;
  options.layer = bench.layer;
  for (int f = 0; f < bench.filters; ++f) options.filters.push_back(f);
  options.batch = bench.filters;
  options.steps = steps + 3;
  std::vector<double> times;
  auto last = std::chrono::steady_clock::now();
  auto done = actscope::visualize(model, options, [&](int64_t step, int64_t) {
    const auto now = std::chrono::steady_clock::now();
    if (step > 3) times.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
    return true;
  });
  if (!done) {
    std::cerr << bench.name << ": " << done.error() << "\n";
    std::exit(1);
  }
  return median(times);
}

void compare(const BenchCase& bench, int steps, int threads, bool with_python) {
  actscope::set_thread_count(threads);
  auto model = actscope::bench::load_bench_model(bench.path);
  const double ours = our_step_ms(*model, bench, steps);
  std::printf("%-12s %-7s %3d filters  threads %d  ours %8.2f ms/step\n", bench.name.c_str(), bench.layer.c_str(),
              bench.filters, threads, ours);
  if (!with_python) return;
  const nlohmann::json python = python_figures(bench, threads, steps);
  if (python.is_null()) {
    std::printf("%-12s python benchmark failed to run\n", "");
    return;
  }
  const double theirs = python["step_ms"].get<double>();
  std::printf("%-12s %-7s %3d filters  threads %d  python %8.2f ms/step  speed-up (python / ours) %.2fx\n", "", "",
              bench.filters, threads, theirs, theirs / ours);
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 20;
  int threads = 2;
  bool with_python = true;
  bool with_resnet = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
      steps = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--no-python") == 0) {
      with_python = false;
    } else if (std::strcmp(argv[i], "--no-resnet") == 0) {
      with_resnet = false;
    }
  }
  std::vector<BenchCase> cases = {
      {"fashion_cnn", std::string(ACTSCOPE_SOURCE_DIR) + "/resources/models/fashion_cnn.pt", "relu3", 32}};
  if (with_resnet) cases.push_back({"resnet18", std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt", "layer3", 8});
  for (const auto& bench : cases) compare(bench, steps, threads, with_python);
  return 0;
}
