// Filter-atlas scan throughput: images per second of scan_dataset (capture
// of every layer with maps, statistics and top lists of every filter) as a
// ratio to the plain batched TorchScript forward of the same model on the
// same batches already in memory, same batch size and threads, measured in
// one run (alternating, median of N rounds). Two workloads: the bundled
// model over the 10,000 Fashion-MNIST test images, and resnet18 at 224x224
// over 512 synthetic images. Also the peak memory of a 10,000-image scan
// over a 1,000-image one, each in a fresh process (this program run again).
//
//   bench_scan [--rounds N] [--threads T] [--quick]
//   bench_scan --peak-rss-of LIMIT     (used by the memory comparison)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <torch/script.h>

#include "core/atlas/scan.h"
#include "core/data/dataset.h"
#include "core/model/model.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/synthetic_images.h"

using actscope::bench::median;
using actscope::bench::time_ms;

namespace {

struct Workload {
  std::string label;
  std::unique_ptr<actscope::Model> model;
  actscope::Dataset dataset;
  int batch = 32;
};

std::vector<torch::Tensor> stacked_batches(const Workload& work) {
  const auto& card = work.model->card();
  std::vector<torch::Tensor> batches;
  const size_t count = work.dataset.images.size();
  for (size_t first = 0; first < count; first += work.batch) {
    const size_t n = std::min<size_t>(work.batch, count - first);
    torch::Tensor tensor = torch::empty({static_cast<int64_t>(n), card.channels, card.height, card.width});
    for (size_t i = 0; i < n; ++i) {
      const auto input = work.dataset.input(first + i, card).value();
      std::copy(input.tensor.begin(), input.tensor.end(), tensor.data_ptr<float>() + i * input.tensor.size());
    }
    batches.push_back(tensor);
  }
  return batches;
}

void measure(const Workload& work, int rounds, int threads) {
  const auto batches = stacked_batches(work);
  auto plain = torch::jit::load(work.model->path());
  plain.eval();
  actscope::ScanOptions options;
  options.batch_size = work.batch;
  const double count = static_cast<double>(work.dataset.images.size());
  std::vector<double> plain_rate, scan_rate, ratios, capture_ratios, summary_ratios;
  actscope::CaptureOptions capture;
  for (const auto& layer : work.model->layers()) {
    if (layer.capturable && layer.shape.size() == 4 && layer.shape[2] * layer.shape[3] > 1) capture.layers.push_back(layer.name);
  }
  for (int round = 0; round < rounds + 1; ++round) {
    const double plain_ms = time_ms([&] {
      c10::InferenceMode inference;
      for (const auto& tensor : batches) plain.forward({tensor});
    });
    const double capture_ms = time_ms([&] {
      for (const auto& tensor : batches) {
        work.model->capture(actscope::FloatArray(std::vector<int64_t>(tensor.sizes().begin(), tensor.sizes().end()),
                                                 tensor.data_ptr<float>(), nullptr),
                            capture);
      }
    });
    actscope::CaptureOptions summarized = capture;
    summarized.map_summaries = true;
    const double summary_ms = time_ms([&] {
      for (const auto& tensor : batches) {
        work.model->capture(actscope::FloatArray(std::vector<int64_t>(tensor.sizes().begin(), tensor.sizes().end()),
                                                 tensor.data_ptr<float>(), nullptr),
                            summarized);
      }
    });
    bool ok = true;
    const double scan_ms = time_ms([&] { ok = actscope::scan_dataset(*work.model, work.dataset, options).ok(); });
    if (!ok) std::fprintf(stderr, "scan_dataset failed\n");
    if (round == 0) continue;  // warm-up
    plain_rate.push_back(count / (plain_ms / 1000.0));
    scan_rate.push_back(count / (scan_ms / 1000.0));
    ratios.push_back(plain_ms / scan_ms);
    capture_ratios.push_back(plain_ms / capture_ms);
    summary_ratios.push_back(plain_ms / summary_ms);
  }
  std::printf("%-34s %6.0f images  batch %3d  threads %d  plain forward %8.1f images/s  scan %8.1f images/s  "
              "ratio %.3f  (capture alone: ratio %.3f, capture with map summaries: %.3f)\n",
              work.label.c_str(), count, work.batch, threads, median(plain_rate), median(scan_rate), median(ratios),
              median(capture_ratios), median(summary_ratios));
}

Workload fashion(int limit) {
  Workload work{"fashion_cnn.pt (every map layer)", nullptr, {}, 32};
  work.model = std::move(actscope::Model::load(ACTSCOPE_SOURCE_DIR "/resources/models/fashion_cnn.pt")).value();
  work.dataset = actscope::open_dataset(ACTSCOPE_FASHION_MNIST_DIR, work.model->card()).value();
  if (limit > 0) work.dataset.images.resize(static_cast<size_t>(limit));
  return work;
}

Workload resnet18(int images) {
  Workload work{"resnet18 224x224 (every map layer)", nullptr, {}, 32};
  work.model = std::move(actscope::Model::load(std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt")).value();
  actscope::bench::use_imagenet_card(*work.model);
  work.dataset = actscope::bench::synthetic_dataset(images);
  return work;
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Runs this program with --peak-rss-of `limit` and reads the figure it prints.
long child_peak_rss_kb(const char* self, int limit) {
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) return -1;
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_ends[1], STDOUT_FILENO);
    const std::string limit_text = std::to_string(limit);
    execl(self, self, "--peak-rss-of", limit_text.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_ends[1]);
  char text[64] = {};
  const ssize_t got = read(pipe_ends[0], text, sizeof text - 1);
  close(pipe_ends[0]);
  waitpid(child, nullptr, 0);
  return got > 0 ? std::atol(text) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 3;
  int threads = 2;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--peak-rss-of") == 0 && i + 1 < argc) {
      actscope::set_thread_count(2);
      Workload work = fashion(std::atoi(argv[i + 1]));
      actscope::ScanOptions options;
      options.batch_size = work.batch;
      if (!actscope::scan_dataset(*work.model, work.dataset, options)) return 1;
      std::printf("%ld\n", peak_rss_kb());
      return 0;
    }
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
  }
  actscope::set_thread_count(threads);
  measure(fashion(quick ? 1000 : 0), rounds, threads);
  measure(resnet18(quick ? 32 : 512), rounds, threads);
  const long small = child_peak_rss_kb(argv[0], 1000);
  const long large = child_peak_rss_kb(argv[0], quick ? 2000 : 10000);
  std::printf("peak RSS of a scan: %ld MB for 1000 images, %ld MB for %d images, ratio %.3f\n", small / 1024,
              large / 1024, quick ? 2000 : 10000, static_cast<double>(large) / static_cast<double>(small));
  return 0;
}
