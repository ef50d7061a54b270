// CKA's cost: compare_models (capture of every compared layer of both
// models, each layer's batch Gram matrix, the unbiased HSIC of every pair)
// as a ratio to the bare batched TorchScript forward of both models on the
// same batches already in memory, same batch size and threads, measured in
// one run (alternating, median of N rounds). Model B is a second load of the
// same file, so both models run (the same Model given twice would run once).
// Workloads: resnet18 at 224x224, all 84 capture points, 256 synthetic
// images in batches of 64; the bundled model (every layer with maps and the
// penultimate) over the 10,000 Fashion-MNIST test images. Also the batch Gram
// matrix of one 64 x 802,816 layer (resnet18's conv1 output) by our kernel
// against LibTorch's mm(X, X^T), which Debian's LibTorch sends to the
// reference BLAS.
//
//   bench_cka [--rounds N] [--threads T] [--quick]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <torch/script.h>

#include "core/data/dataset.h"
#include "core/model/model.h"
#include "core/similarity/cka.h"
#include "core/similarity/gram.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/synthetic_images.h"

using actscope::bench::median;
using actscope::bench::time_ms;

namespace {

struct Workload {
  std::string label;
  std::unique_ptr<actscope::Model> a, b;
  actscope::Dataset dataset;
  std::vector<std::string> layers;  // empty: the default layers
};

std::vector<torch::Tensor> stacked_batches(const Workload& work, int batch) {
  const auto& card = work.a->card();
  std::vector<torch::Tensor> batches;
  const size_t count = work.dataset.images.size() / static_cast<size_t>(batch) * static_cast<size_t>(batch);
  for (size_t first = 0; first < count; first += static_cast<size_t>(batch)) {
    torch::Tensor tensor = torch::empty({batch, card.channels, card.height, card.width});
    for (int i = 0; i < batch; ++i) {
      const auto input = work.dataset.input(first + static_cast<size_t>(i), card).value();
      std::copy(input.tensor.begin(), input.tensor.end(), tensor.data_ptr<float>() + i * input.tensor.size());
    }
    batches.push_back(tensor);
  }
  return batches;
}

void measure(const Workload& work, int rounds, int threads) {
  const int batch = 64;
  const auto batches = stacked_batches(work, batch);
  auto plain_a = torch::jit::load(work.a->path());
  auto plain_b = torch::jit::load(work.b->path());
  plain_a.eval();
  plain_b.eval();
  actscope::CkaOptions options;
  options.batch_size = batch;
  options.layers_a = options.layers_b = work.layers;
  std::vector<double> ratios, plain_rate, cka_rate;
  size_t pairs = 0;
  for (int round = 0; round < rounds + 1; ++round) {
    const double plain_ms = time_ms([&] {
      c10::InferenceMode inference;
      for (const auto& tensor : batches) plain_a.forward({tensor}), plain_b.forward({tensor});
    });
    actscope::Result<actscope::CkaRun> run = actscope::Error{"not run"};
    const double cka_ms = time_ms([&] { run = actscope::compare_models(*work.a, *work.b, work.dataset, options); });
    if (!run) std::fprintf(stderr, "compare_models failed: %s\n", run.error().c_str());
    if (round == 0 || !run) continue;  // warm-up
    pairs = run.value().layers_a.size() * run.value().layers_b.size();
    const double images = static_cast<double>(run.value().images);
    plain_rate.push_back(images / (plain_ms / 1000.0));
    cka_rate.push_back(images / (cka_ms / 1000.0));
    ratios.push_back(cka_ms / plain_ms);
  }
  if (ratios.empty()) return;
  std::printf("%-44s %5zu images  batch %d  threads %d  %5zu layer pairs  bare forward of both %8.1f images/s  "
              "cka %8.1f images/s  cka / bare forward of both: ratio %.3f\n",
              work.label.c_str(), static_cast<size_t>(batches.size()) * batch, batch, threads, pairs,
              median(plain_rate), median(cka_rate), median(ratios));
}

Workload fashion(int limit) {
  const std::string path = ACTSCOPE_SOURCE_DIR "/resources/models/fashion_cnn.pt";
  Workload work{"fashion_cnn.pt vs itself (maps + penultimate)", actscope::Model::load(path).value(),
                actscope::Model::load(path).value(), {}, {}};
  work.dataset = actscope::open_dataset(ACTSCOPE_FASHION_MNIST_DIR, work.a->card()).value();
  if (limit > 0) work.dataset.images.resize(static_cast<size_t>(limit));
  return work;
}

Workload resnet18(int images) {
  const std::string path = std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt";
  Workload work{"resnet18 224x224 vs itself (84 capture points)", actscope::Model::load(path).value(),
                actscope::Model::load(path).value(), {}, {}};
  actscope::bench::use_imagenet_card(*work.a);
  actscope::bench::use_imagenet_card(*work.b);
  for (const auto& layer : work.a->layers()) {
    if (layer.capturable) work.layers.push_back(layer.name);
  }
  work.dataset = actscope::bench::synthetic_dataset(images);
  return work;
}

void gram_against_mm(int rounds, int64_t dims) {
  std::mt19937 random(2);
  std::normal_distribution<float> value(0.0f, 1.0f);
  torch::Tensor x = torch::empty({64, dims});
  for (int64_t i = 0; i < x.numel(); ++i) x.data_ptr<float>()[i] = value(random);
  std::vector<double> ours, theirs;
  double worst = 0.0;  // the largest difference of an entry, relative to the largest entry
  for (int round = 0; round < rounds + 1; ++round) {
    actscope::BatchGram gram;
    torch::Tensor product;
    const double ours_ms = time_ms([&] { gram = actscope::batch_gram(x.data_ptr<float>(), 64, dims); });
    const double mm_ms = time_ms([&] { product = torch::mm(x, x.t()); });
    const double largest = product.abs().max().item<double>();
    for (int64_t i = 0; i < 64; ++i) {
      for (int64_t j = 0; j < 64; ++j) {
        if (i == j) continue;  // the estimator's Gram keeps a zero diagonal
        worst = std::max(worst, std::abs(gram.k[static_cast<size_t>(i * 64 + j)] - product[i][j].item<double>()) / largest);
      }
    }
    if (round == 0) continue;
    ours.push_back(ours_ms);
    theirs.push_back(mm_ms);
  }
  std::printf("batch Gram of 64 x %ld floats: ours %.1f ms, LibTorch mm(X, X^T) %.1f ms, ratio %.3f "
              "(entries agree within %.1e of the largest)\n",
              static_cast<long>(dims), median(ours), median(theirs), median(ours) / median(theirs), worst);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 3;
  int threads = 2;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
  }
  actscope::set_thread_count(threads);
  gram_against_mm(rounds, quick ? 64 * 1024 : 64 * 112 * 112);
  measure(fashion(quick ? 640 : 10000), rounds, threads);
  measure(resnet18(quick ? 64 : 256), rounds, threads);
  return 0;
}
