#include "ui/controllers/timeline_job.h"

#include <utility>

#include "ui/controllers/run_dataset.h"

namespace actscope {
namespace {

// Every checkpoint loaded: the cardless ones take the last card there is.
Status share_card(TimelineJob& job) {
  const Model* carded = nullptr;
  for (const auto& model : job.checkpoints) {
    if (model->card_source() != CardSource::kNone) carded = model.get();
  }
  if (!carded) {
    return Error{job.folder + ": none of its " + std::to_string(job.checkpoints.size()) +
                 " checkpoints has a card (actscope.json inside it or beside it), so their input is unknown"};
  }
  const ModelCard card = carded->card();
  for (auto& model : job.checkpoints) {
    if (model->card_source() == CardSource::kNone) model->set_card(card);
  }
  return Done{};
}

std::optional<Result<Timeline>> start(TimelineJob& job) {
  if (auto shared = share_card(job); !shared) return Result<Timeline>(Error{shared.error()});
  auto dataset = open_run_dataset(job.dataset_path, job.checkpoints.back()->card());
  if (!dataset) return Result<Timeline>(Error{dataset.error()});
  job.dataset = std::make_shared<const Dataset>(std::move(dataset).value());
  std::vector<const Model*> order;
  for (const auto& model : job.checkpoints) order.push_back(model.get());
  auto run = TimelineRun::start(std::move(order), *job.dataset, job.options);
  if (!run) return Result<Timeline>(Error{run.error()});
  job.run.emplace(std::move(run).value());
  job.progress(QStringLiteral("Following image"), 0, job.run->total());
  return std::nullopt;
}

}  // namespace

std::optional<Result<Timeline>> timeline_slice(TimelineJob& job) {
  if (*job.cancel) return Result<Timeline>(Error{"cancelled"});
  if (job.paths.empty()) {
    auto files = checkpoint_files(job.folder);
    if (!files) return Result<Timeline>(Error{files.error()});
    job.paths = std::move(files).value();
    job.progress(QStringLiteral("Loading checkpoint"), 0, job.paths.size());
    return std::nullopt;
  }
  if (job.checkpoints.size() < job.paths.size()) {
    auto model = Model::load(job.paths[job.checkpoints.size()]);
    if (!model) return Result<Timeline>(Error{model.error()});
    job.checkpoints.push_back(std::move(model).value());
    job.progress(QStringLiteral("Loading checkpoint"), job.checkpoints.size(), job.paths.size());
    return std::nullopt;
  }
  if (!job.run) return start(job);
  auto more = job.run->step();
  if (!more) return Result<Timeline>(Error{more.error()});
  job.progress(QStringLiteral("Following image"), job.run->done(), job.run->total());
  if (more.value()) return std::nullopt;
  return Result<Timeline>(job.run->take());
}

}  // namespace actscope
