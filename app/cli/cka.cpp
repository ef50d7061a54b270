// cka: how alike two models' layers are over a dataset (core/similarity):
// DIR/cka.json with the HSIC sums that merge adds, DIR/cka.png the heatmap.
#include <filesystem>
#include <iostream>

#include "app/cli/commands.h"
#include "core/data/dataset.h"
#include "core/maps/grid.h"
#include "core/similarity/cka.h"
#include "core/similarity/cka_json.h"
#include "core/similarity/cka_plot.h"

namespace actscope::cli {
namespace {

namespace fs = std::filesystem;

// Model B as the flags say: fed as A is (the card flags apply to both; a B
// without a card takes A's), or by its own card with --b-uses-own-card.
Result<std::unique_ptr<Model>> load_model_b(const CkaCliOptions& options, const Model& a) {
  if (options.b_uses_own_card) {
    CommonFlags own;
    own.threads = options.common.threads;
    auto b = load_for_cli(options.models[1], own, /*card_required=*/false);
    if (!b) return b;
    if (b.value()->card_source() == CardSource::kNone) {
      return Error{options.models[1] + ": --b-uses-own-card, but the model has no card (actscope.json inside it or "
                                       "beside it)"};
    }
    return b;
  }
  // A B without a card is fed as A is (A's card after the flags); one with a card takes the flags too.
  CommonFlags bare;
  bare.threads = options.common.threads;
  auto b = load_for_cli(options.models[1], bare, /*card_required=*/false);
  if (!b) return b;
  if (b.value()->card_source() == CardSource::kNone) {
    b.value()->set_card(a.card());
    return b;
  }
  if (!options.common.card.empty()) {
    auto card = apply_card_overrides(b.value()->card(), options.common.card, b.value()->inferred_channels().value_or(0));
    if (!card) return Error{options.models[1] + ": " + card.error()};
    b.value()->set_card(std::move(card).value());
  }
  if (!same_input(b.value()->card(), a.card())) {
    return Error{options.models[1] + ": its card feeds it " + input_description(b.value()->card()) + ", model A (" +
                 options.models[0] + ") takes " + input_description(a.card()) +
                 "; give --b-uses-own-card to feed each model by its own card"};
  }
  return b;
}

std::string stem(const std::string& path) { return fs::path(path).filename().string(); }

}  // namespace

int write_cka_files(const CkaRun& run, const std::string& out) {
  CkaHeatmap heatmap;
  heatmap.rows = run.layers_a;
  heatmap.columns = run.layers_b;
  heatmap.values = run.cka();
  heatmap.title = "CKA: " + stem(run.model_a) + " (rows) vs " + stem(run.model_b) + " (columns)";
  heatmap.subtitle = std::to_string(run.images) + " images of " + stem(run.dataset_path) + " in " +
                     std::to_string(run.batches) + " batches of " + std::to_string(run.batch_size) +
                     (run.shards > 1 ? ", shard " + std::to_string(run.shard) + " of " + std::to_string(run.shards) : "");
  heatmap.row_axis = "A: " + run.model_a;
  heatmap.column_axis = "B: " + run.model_b;
  if (const int written = write_output_file(out, "cka.png", encode_png(draw_cka_heatmap(heatmap))); written != 0) {
    return written;
  }
  return write_output_file(out, "cka.json", cka_to_json(run));
}

int run_cka(const CkaCliOptions& options) {
  if (options.models.size() != 2) return usage_error("give --model twice: model A, then model B (the same file compares a model with itself)");
  auto shard = resolve_shard(options.shard, options.shards);
  if (!shard) return usage_error(shard.error());
  auto a = load_for_cli(options.models[0], options.common, /*card_required=*/true);
  if (!a) return fail(a.error());
  std::unique_ptr<Model> b_holder;
  if (options.models[1] != options.models[0] || options.b_uses_own_card) {
    auto b = load_model_b(options, *a.value());
    if (!b) return fail(b.error());
    b_holder = std::move(b).value();
  }
  const Model& b = b_holder ? *b_holder : *a.value();
  auto dataset = open_dataset(options.dataset, a.value()->card());
  if (!dataset) return fail(dataset.error());
  CkaOptions cka;
  cka.layers_a = options.layers_a;
  cka.layers_b = options.layers_b;
  cka.limit = options.limit;
  cka.batch_size = options.batch;
  cka.shard = shard.value().index;
  cka.shards = shard.value().count;
  ProgressLine progress(options.quiet, "comparing image");
  cka.progress = progress.callback();
  auto run = compare_models(*a.value(), b, dataset.value(), cka);
  progress.finish();
  if (!run) return fail(run.error());
  if (run.value().dropped > 0) {
    std::cerr << "note: the last " << run.value().dropped << " images (a partial batch of " << options.batch
              << ") are left out: every batch has " << options.batch << " images\n";
  }
  if (const int written = write_cka_files(run.value(), options.out); written != 0) return written;
  for (const SkippedImage& image : run.value().skipped) std::cerr << "skipped: " << image.error << "\n";
  if (run.value().skipped.empty()) return 0;
  std::cerr << "error: " << run.value().skipped.size()
            << " images could not be read and were left out of their batches (listed in cka.json)\n";
  return kExitFailure;
}

}  // namespace actscope::cli
