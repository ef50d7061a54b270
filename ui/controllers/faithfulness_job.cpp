#include "ui/controllers/faithfulness_job.h"

#include <algorithm>
#include <utility>

namespace actscope {
namespace {

// Score-CAM's masked inputs and each image's perturbed batches stop at Cancel.
std::function<bool(size_t, size_t)> until_cancelled(const std::shared_ptr<const std::atomic<bool>>& cancel) {
  return [cancel](size_t, size_t) { return !*cancel; };
}

std::optional<Result<FaithfulnessRun>> open(DatasetFaithfulnessJob& job) {
  auto dataset = open_dataset(job.dataset_path, job.model->card());
  if (!dataset) return Result<FaithfulnessRun>(Error{dataset.error()});
  job.dataset = std::make_shared<const Dataset>(std::move(dataset).value());
  job.indices = faithfulness_sample(static_cast<int64_t>(job.dataset->images.size()), job.limit);
  if (job.indices.empty()) return Result<FaithfulnessRun>(Error{job.dataset_path + ": no image to measure"});
  const ModelCard& card = job.model->card();
  FaithfulnessRun& run = job.run;
  run.notes = drop_inapplicable_methods(*job.model, job.options);  // CAM without a GAP + linear head
  if (job.options.methods.empty()) return Result<FaithfulnessRun>(Error{"no method can be measured on this layer"});
  run.methods = job.options.methods;
  run.layers = job.options.cam.layers;
  run.options = job.options.metrics;
  run.step = job.options.metrics.step > 0 ? job.options.metrics.step : card.width;
  run.curve_x = curve_x(static_cast<int64_t>(card.height) * card.width, run.step);
  run.model_path = job.model->path();
  run.source = job.dataset->source;
  run.total = static_cast<int64_t>(job.indices.size());
  job.progress(QStringLiteral("Image"), 0, job.indices.size());
  return std::nullopt;
}

}  // namespace

std::vector<int64_t> faithfulness_sample(int64_t size, int64_t limit) {
  std::vector<int64_t> indices;
  if (limit <= 0 || limit >= size) {
    for (int64_t i = 0; i < size; ++i) indices.push_back(i);
    return indices;
  }
  for (int64_t i = 0; i < limit; ++i) indices.push_back(i * size / limit);
  return indices;
}

std::optional<Result<ImageFaithfulness>> image_faithfulness_slice(ImageFaithfulnessJob& job) {
  if (*job.cancel) return Result<ImageFaithfulness>(Error{"cancelled"});
  const auto& methods = job.options.methods;
  if (job.next >= methods.size()) {
    if (job.methods.empty()) return Result<ImageFaithfulness>(Error{"no method could be measured"});
    return Result<ImageFaithfulness>(std::move(job.image));
  }
  const std::string method = methods[job.next++];
  job.progress(QStringLiteral("Measuring %1").arg(QString::fromStdString(method)), job.next - 1,
               methods.size());
  FaithfulnessRunOptions options = job.options;
  options.methods = {method};
  options.cam.progress = until_cancelled(job.cancel);
  auto measured = measure_images(*job.model, {job.input}, {0}, {0}, options, until_cancelled(job.cancel));
  if (*job.cancel) return Result<ImageFaithfulness>(Error{"cancelled"});
  if (!measured) {
    job.notes.push_back(measured.error());
    return std::nullopt;
  }
  ImageFaithfulness& one = measured.value().front();
  if (job.methods.empty()) {
    job.image = one;
  } else {
    job.image.methods.push_back(one.methods.front());
  }
  job.methods.push_back(method);
  job.progress(QStringLiteral("Measuring"), job.next, methods.size());
  return std::nullopt;
}

std::optional<Result<FaithfulnessRun>> dataset_faithfulness_slice(DatasetFaithfulnessJob& job) {
  if (*job.cancel) return Result<FaithfulnessRun>(Error{"cancelled"});
  if (!job.dataset) return open(job);
  if (job.next >= job.indices.size()) return Result<FaithfulnessRun>(std::move(job.run));
  const ModelCard& card = job.model->card();
  std::vector<InputImage> images;
  std::vector<int64_t> positions, chosen;
  std::vector<int> truths;
  const size_t end = std::min(job.indices.size(), job.next + kFaithfulnessBatch);
  for (size_t k = job.next; k < end; ++k) {
    const auto index = static_cast<size_t>(job.indices[k]);
    auto image = job.dataset->input(index, card);
    if (!image) {
      job.run.skipped.push_back(image.error());
      continue;
    }
    images.push_back(std::move(image).value());
    positions.push_back(static_cast<int64_t>(k));
    chosen.push_back(job.indices[k]);
    truths.push_back(job.dataset->images[index].true_class);
  }
  const size_t first = job.next;
  auto progress = [&job, first](size_t done, size_t) {
    job.progress(QStringLiteral("Image"), first + done, job.indices.size());
    return !*job.cancel;
  };
  FaithfulnessRunOptions options = job.options;
  options.cam.progress = until_cancelled(job.cancel);
  auto measured = measure_images(*job.model, images, positions, chosen, options, progress);
  if (*job.cancel) return Result<FaithfulnessRun>(Error{"cancelled"});
  if (!measured) return Result<FaithfulnessRun>(Error{measured.error()});
  for (size_t n = 0; n < measured.value().size(); ++n) {
    measured.value()[n].true_class = truths[n];
    job.run.images.push_back(std::move(measured.value()[n]));
  }
  job.next = end;
  return std::nullopt;
}

}  // namespace actscope
