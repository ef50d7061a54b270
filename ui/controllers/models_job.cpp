#include "ui/controllers/models_job.h"

#include <utility>

#include "ui/controllers/run_dataset.h"

namespace actscope {

Result<SecondModel> load_second_model(const std::string& path, const ModelCard& a_card) {
  auto loaded = Model::load(path);
  if (!loaded) return Error{loaded.error()};
  std::shared_ptr<Model> model = std::move(loaded).value();
  SecondModel second;
  if (model->card_source() == CardSource::kNone) {
    model->set_card(a_card);
    second.feeding = "A's card (it has none)";
  } else if (same_input(model->card(), a_card)) {
    second.feeding = "its own card, the same input as A's";
  } else {
    second.feeding =
        "its own card (" + input_description(model->card()) + "; A takes " + input_description(a_card) + ")";
  }
  model->sha256();  // the digest a run names B by, waited for here rather than in the first batch
  second.model = std::move(model);
  return second;
}

std::optional<Result<CkaRun>> cka_slice(CkaJob& job) {
  if (*job.cancel) return Result<CkaRun>(Error{"cancelled"});
  if (!job.comparison) {
    auto dataset = open_run_dataset(job.dataset_path, job.a->card());
    if (!dataset) return Result<CkaRun>(Error{dataset.error()});
    job.dataset = std::make_shared<const Dataset>(std::move(dataset).value());
    auto started = CkaComparison::start(*job.a, *job.b, *job.dataset, job.options);
    if (!started) return Result<CkaRun>(Error{started.error()});
    job.comparison.emplace(std::move(started).value());
    if (job.comparison->total() == 0) {
      return Result<CkaRun>(Error{job.dataset->source + ": fewer images than one batch of " +
                                  std::to_string(job.options.batch_size) + ": no CKA to compute"});
    }
    job.progress(0, job.comparison->total());
    return std::nullopt;
  }
  auto more = job.comparison->step();
  if (!more) return Result<CkaRun>(Error{more.error()});
  job.progress(job.comparison->done(), job.comparison->total());
  if (more.value()) return std::nullopt;
  return Result<CkaRun>(job.comparison->take());
}

}  // namespace actscope
