// Capture overhead: the time to capture every layer with the engine divided
// by the time of the plain TorchScript module.forward on the same input, at
// the same thread count, measured in one run (interleaved, median of N).
// Also the peak resident memory of a fresh process that captures every layer,
// and the time to turn every captured layer into files (grids, PNGs) as a
// ratio to the capture time. A second figure is the capture with ATen's max
// pool in place of the engine's faster kernel: the overhead of capturing alone.
//
//   bench_capture [--iterations N] [--threads T] [MODEL.pt:CxHxW ...]
// The ratio is the median over N rounds (forward, capture and the capture
// with ATen's pool, in rotating order) of capture/forward; also printed:
// fastest capture / fastest forward.
//   bench_capture --peak-rss MODEL.pt:CxHxW   (prints the child's own figure)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <torch/script.h>

#include "core/capture/capture_graph.h"
#include "core/export/layer_export.h"
#include "core/model/image_input.h"
#include "core/model/model.h"
#include "tests/bench/bench_support.h"
#include "tests/support/reference.h"

namespace {

struct BenchModel {
  std::string path;
  std::vector<int64_t> input_shape;  // [1, C, H, W]
};

BenchModel parse_model(const std::string& spec) {
  const auto colon = spec.rfind(':');
  BenchModel model{spec.substr(0, colon), {1}};
  std::string dims = spec.substr(colon + 1);
  for (size_t start = 0; start < dims.size();) {
    const size_t x = dims.find('x', start);
    model.input_shape.push_back(std::stoll(dims.substr(start, x - start)));
    start = x == std::string::npos ? dims.size() : x + 1;
  }
  return model;
}

using actscope::bench::median;
using actscope::bench::time_ms;

template <typename F>
long minor_faults(F&& run) {
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  run();
  getrusage(RUSAGE_SELF, &after);
  return after.ru_minflt - before.ru_minflt;
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // kilobytes on Linux
}

int measure_peak_rss(const BenchModel& spec) {
  auto model = actscope::Model::load(spec.path);
  if (!model) {
    std::cerr << model.error() << "\n";
    return 1;
  }
  const auto input = actscope::test::to_array(torch::randn(spec.input_shape));
  auto result = model.value()->capture(input);
  if (!result) {
    std::cerr << result.error() << "\n";
    return 1;
  }
  std::cout << peak_rss_mb() << "\n";
  return 0;
}

void compare(const BenchModel& spec, int iterations, int threads, const char* self) {
  actscope::set_thread_count(threads);
  auto model = actscope::Model::load(spec.path);
  if (!model) {  // a benchmark of a model that did not load must not pass as run
    std::cerr << model.error() << "\n";
    std::exit(1);
  }
  auto plain = torch::jit::load(spec.path);
  plain.eval();
  const torch::Tensor input = torch::randn(spec.input_shape);
  const auto input_array = actscope::test::to_array(input);
  size_t layers = 0;
  auto run_plain = [&] {
    c10::InferenceMode inference;
    plain.forward({input});
  };
  auto run_capture = [&] { layers = model.value()->capture(input_array).value().activations.size(); };
  // The same capture with ATen's max pool instead of the engine's kernel:
  // what the engine's own pooling saves, and the capture's overhead without it.
  const actscope::CaptureGraph aten_pool(plain, actscope::CaptureGraphOptions{/*own_max_pool=*/false});
  auto run_aten_pool = [&] {
    c10::InferenceMode inference;
    aten_pool.run(plain, input);
  };
  for (int i = 0; i < 3; ++i) {
    run_plain();
    run_capture();
    run_aten_pool();
  }
  // Each capture is paired with the forward run next to it, so that the slow
  // spells of a shared machine touch both sides of a ratio alike; the order
  // rotates, so that no side always runs on another's leftovers.
  std::vector<double> plain_ms, capture_ms, aten_pool_ms, ratios, aten_pool_ratios;
  for (int i = 0; i < iterations; ++i) {
    for (int k = 0; k < 3; ++k) {
      const int which = (i + k) % 3;
      if (which == 0) plain_ms.push_back(time_ms(run_plain));
      if (which == 1) capture_ms.push_back(time_ms(run_capture));
      if (which == 2) aten_pool_ms.push_back(time_ms(run_aten_pool));
    }
    ratios.push_back(capture_ms.back() / plain_ms.back());
    aten_pool_ratios.push_back(aten_pool_ms.back() / plain_ms.back());
  }
  const double ratio = median(ratios);
  // Noise on a shared machine only adds time: the two fastest runs are the
  // least disturbed view of the same ratio.
  const double fastest_ratio = *std::min_element(capture_ms.begin(), capture_ms.end()) /
                               *std::min_element(plain_ms.begin(), plain_ms.end());
  // Page faults per run show whether buffers are reused or faulted in anew.
  const long forward_faults = minor_faults(run_plain);
  const long capture_faults = minor_faults(run_capture);
  std::printf(
      "%-22s threads %d  layers %3zu  forward %7.2f ms  capture-all %7.2f ms  ratio %.3f"
      "  (fastest/fastest %.3f; page faults per run: %ld / %ld)\n",
      spec.path.substr(spec.path.rfind('/') + 1).c_str(), threads, layers, median(plain_ms),
      median(capture_ms), ratio, fastest_ratio, forward_faults, capture_faults);
  std::printf("%-22s with ATen's max pool instead of the engine's: capture-all %7.2f ms  ratio %.3f\n", "",
              median(aten_pool_ms), median(aten_pool_ratios));

  // Peak memory in a fresh process, so this process's history does not count.
  const std::string command =
      std::string(self) + " --peak-rss '" + spec.path + ":" + std::to_string(spec.input_shape[1]) + "x" +
      std::to_string(spec.input_shape[2]) + "x" + std::to_string(spec.input_shape[3]) + "'";
  if (FILE* child = popen(command.c_str(), "r")) {
    char line[64] = {};
    if (fgets(line, sizeof line, child))
      std::printf("%-22s peak RSS of a process capturing every layer once: %ld MB\n", "", std::atol(line));
    pclose(child);
  }
}

// Files: the time export_activations spends beyond its own capture (normalize,
// compose grids, encode and write PNGs for every layer), over the capture time.
// The image is a real one (a bundled Fashion-MNIST bag, enlarged to the
// model's input): a flat gray image gives flat maps, which compress far
// faster than real ones.
void compare_export(const BenchModel& spec, int iterations, int threads) {
  actscope::set_thread_count(threads);
  auto model = actscope::Model::load(spec.path);
  if (!model) {
    std::cerr << model.error() << "\n";
    std::exit(1);
  }
  actscope::CardOverrides size;
  size.input_size = std::to_string(spec.input_shape[2]) + "x" + std::to_string(spec.input_shape[3]);
  model.value()->set_card(actscope::apply_card_overrides(model.value()->card(), size, 3).value());
  const auto& card = model.value()->card();
  auto loaded = actscope::load_image(std::string(ACTSCOPE_SOURCE_DIR) + "/resources/samples/01557_bag.png", card);
  if (!loaded) {
    std::fprintf(stderr, "%s\n", loaded.error().c_str());
    std::exit(1);
  }
  const actscope::InputImage& image = loaded.value();
  // Two folders: one emptied before each export (not timed), as a new
  // export folder; one holding the previous export's files, which each
  // export replaces (the file system then also frees the old files).
  const auto base = std::filesystem::temp_directory_path() / ("actscope-bench-export-" + std::to_string(getpid()));
  const auto fresh = base / "fresh", over = base / "over";
  std::filesystem::create_directories(over);
  const auto export_into = [&](const std::filesystem::path& folder) {
    return time_ms([&] {
      actscope::export_activations(*model.value(), image, spec.path, folder.string(), actscope::ExportOptions{});
    });
  };
  export_into(over);
  std::vector<double> capture_ms, fresh_ms, over_ms, fresh_ratios, over_ratios;
  for (int i = 0; i < iterations; ++i) {
    capture_ms.push_back(time_ms([&] { model.value()->capture({image}); }));
    std::filesystem::remove_all(fresh);
    std::filesystem::create_directories(fresh);
    fresh_ms.push_back(export_into(fresh));
    over_ms.push_back(export_into(over));
    fresh_ratios.push_back((fresh_ms.back() - capture_ms.back()) / capture_ms.back());
    over_ratios.push_back((over_ms.back() - capture_ms.back()) / capture_ms.back());
  }
  std::filesystem::remove_all(base);
  std::printf("%-22s threads %d  capture %7.2f ms  export-all %8.2f ms  files/capture ratio %.1f  (new folder)\n",
              spec.path.substr(spec.path.rfind('/') + 1).c_str(), threads, median(capture_ms), median(fresh_ms),
              median(fresh_ratios));
  std::printf("%-22s            replacing the previous export's files: %8.2f ms  files/capture ratio %.1f\n", "",
              median(over_ms), median(over_ratios));
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 60;
  std::vector<int> thread_counts{1, 2};
  std::vector<BenchModel> models;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--peak-rss") == 0 && i + 1 < argc)
      return measure_peak_rss(parse_model(argv[i + 1]));
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      thread_counts = {std::atoi(argv[++i])};
    } else {
      models.push_back(parse_model(argv[i]));
    }
  }
  if (models.empty()) {
    models = {parse_model(std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt:3x224x224"),
              parse_model(std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_traced.pt:3x224x224"),
              parse_model(std::string(ACTSCOPE_SOURCE_DIR) + "/resources/models/fashion_cnn.pt:1x28x28")};
  }
  for (int threads : thread_counts) {
    for (const auto& model : models) compare(model, std::max(iterations, 1), threads, argv[0]);
  }
  for (int threads : thread_counts)
    compare_export(models.front(), std::max(std::min(iterations, 5), 1), threads);
  return 0;
}
