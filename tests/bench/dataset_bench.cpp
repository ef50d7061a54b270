// Whole-dataset prediction throughput: images per second of predict_dataset
// on the Fashion-MNIST test set (reading the IDX pixels, normalizing,
// batching, softmax) as a ratio to the plain batched TorchScript forward of
// the same model on batches already in memory, at the same batch size and
// thread count, measured in one run (alternating, median of N rounds).
//
//   bench_dataset [--rounds N] [--threads T] [--batch B]
#include <cstdio>
#include <cstring>
#include <vector>

#include <torch/script.h>

#include "core/data/dataset.h"
#include "core/model/model.h"
#include "tests/bench/bench_support.h"

using actscope::bench::median;
using actscope::bench::time_ms;

int main(int argc, char** argv) {
  int rounds = 5;
  int batch = 256;
  std::vector<int> thread_counts{1, 2};
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(1, std::atoi(argv[++i]));
    if (std::strcmp(argv[i], "--batch") == 0) batch = std::max(1, std::atoi(argv[++i]));
    if (std::strcmp(argv[i], "--threads") == 0) thread_counts = {std::atoi(argv[++i])};
  }
  const std::string path = ACTSCOPE_SOURCE_DIR "/resources/models/fashion_cnn.pt";
  for (int threads : thread_counts) {
    actscope::set_thread_count(threads);
    auto model = actscope::Model::load(path);
    if (!model) {
      std::fprintf(stderr, "%s\n", model.error().c_str());
      return 1;
    }
    auto dataset = actscope::open_dataset(ACTSCOPE_FASHION_MNIST_DIR, model.value()->card());
    if (!dataset) {
      std::fprintf(stderr, "%s\n", dataset.error().c_str());
      return 1;
    }
    // The plain side: the same inputs, stacked into batches beforehand.
    const auto& card = model.value()->card();
    const size_t count = dataset.value().images.size();
    std::vector<torch::Tensor> batches;
    for (size_t first = 0; first < count; first += batch) {
      const size_t n = std::min<size_t>(batch, count - first);
      torch::Tensor tensor = torch::empty({static_cast<int64_t>(n), card.channels, card.height, card.width});
      for (size_t i = 0; i < n; ++i) {
        const auto input = dataset.value().input(first + i, card).value();
        std::copy(input.tensor.begin(), input.tensor.end(),
                  tensor.data_ptr<float>() + i * input.tensor.size());
      }
      batches.push_back(tensor);
    }
    auto plain = torch::jit::load(path);
    plain.eval();
    actscope::DatasetPredictOptions options;
    options.batch_size = batch;
    std::vector<double> plain_rate, our_rate, ratios;
    for (int round = 0; round < rounds + 1; ++round) {
      const double plain_ms = time_ms([&] {
        c10::InferenceMode inference;
        for (const auto& tensor : batches) plain.forward({tensor});
      });
      bool ok = true;
      const double our_ms =
          time_ms([&] { ok = actscope::predict_dataset(*model.value(), dataset.value(), options).ok(); });
      if (!ok) std::fprintf(stderr, "predict_dataset failed\n");
      if (round == 0) continue;  // warm-up
      plain_rate.push_back(count / (plain_ms / 1000.0));
      our_rate.push_back(count / (our_ms / 1000.0));
      ratios.push_back(plain_ms / our_ms);
    }
    std::printf(
        "fashion_cnn.pt  %zu images  batch %d  threads %d  plain forward %8.0f images/s  predict_dataset "
        "%8.0f images/s  ratio %.3f\n",
        count, batch, threads, median(plain_rate), median(our_rate), median(ratios));
  }
  return 0;
}
