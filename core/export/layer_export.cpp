#include "core/export/layer_export.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"
#include "core/export/manifest.h"
#include "core/io/atomic_file.h"
#include "core/io/npy_writer.h"
#include "core/io/png_writer.h"
#include "core/maps/layer_view.h"

namespace actscope {

using nlohmann::json;

std::string file_stem_for_layer(const std::string& layer_name) {
  std::string stem;
  for (char c : layer_name)
    stem.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_');
  if (stem.empty() || stem[0] == '.') stem.insert(stem.begin(), '_');
  return stem;
}

namespace {

struct LayerJob {
  const LayerActivation* activation;
  size_t image;  // index in the captured batch
  const LayerInfo* info;
  std::string stem;
};

// One layer's manifest entry and its non-finite values.
struct LayerEntry {
  json entry;
  int64_t non_finite = 0;
};

// Normalizes, composes and writes one layer; returns its manifest entry.
Result<LayerEntry> export_layer(const LayerJob& job, const Model& model, const std::string& image_path,
                                const std::string& out_dir, const ExportOptions& options) {
  const LayerActivation& activation = *job.activation;
  auto view = render_layer(model, activation, static_cast<int>(job.image), image_path, options.view);
  if (!view) return Error{view.error()};
  const NormalizedMaps& normalized = view.value().maps;
  const Grid& grid = view.value().grid;
  const std::string png = job.stem + ".png";
  const std::string encoded =
      encode_rgb_png(grid.image.pixels.data(), grid.image.width, grid.image.height, options.png_compression);
  if (auto written = write_file_atomically(out_dir + "/" + png, encoded); !written) {
    return Error{written.error()};
  }
  json entry = {{"name", activation.name},
                {"kind", job.info->kind},
                {"shape", activation.values.shape()},
                {"png", png},
                {"shown_filters", grid.filters}};
  if (options.write_npy) {
    const std::string npy = job.stem + ".npy";
    const auto maps = layer_maps(activation.values, static_cast<int>(job.image));
    if (auto written = write_npy(out_dir + "/" + npy, maps->data, maps->npy_shape); !written) {
      return Error{written.error()};
    }
    entry["npy"] = npy;
  }
  entry["filters"] = filter_entries(normalized);
  LayerEntry written{std::move(entry), 0};
  for (const auto& stats : normalized.stats) written.non_finite += stats.non_finite;
  return written;
}

// The layers to export, with unique file stems, in capture order.
std::vector<LayerJob> plan_jobs(const Model& model, const std::vector<LayerActivation>& activations,
                                size_t image) {
  std::vector<LayerJob> jobs;
  std::set<std::string> used_stems;
  for (const auto& activation : activations) {
    if (!layer_maps(activation.values, static_cast<int>(image))) continue;  // neither maps nor a vector: nothing to draw
    const LayerInfo* info = model.find_layer(activation.name);
    std::string stem = file_stem_for_layer(activation.name);
    for (int n = 2; used_stems.count(stem); ++n)
      stem = file_stem_for_layer(activation.name) + "_" + std::to_string(n);
    used_stems.insert(stem);
    jobs.push_back({&activation, image, info, stem});
  }
  return jobs;
}

// Writes every job's files and returns their manifest entries in job order;
// nullopt when options.progress cancelled. Layers are independent: they are
// spread over the engine's threads (PNG encoding dominates and is
// single-threaded per image).
std::optional<std::vector<Result<LayerEntry>>> export_in_parallel(const std::vector<LayerJob>& jobs,
                                                                  const Model& model, const std::string& image_path,
                                                                  const std::string& out_dir,
                                                                  const ExportOptions& options) {
  std::vector<std::optional<Result<LayerEntry>>> entries(jobs.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> cancelled{false};
  std::mutex progress_mutex;
  size_t done = 0;
  auto work = [&] {
    for (size_t i = next++; i < jobs.size() && !cancelled; i = next++) {
      entries[i] = export_layer(jobs[i], model, image_path, out_dir, options);
      std::lock_guard<std::mutex> lock(progress_mutex);
      ++done;
      if (options.progress && !options.progress(done, jobs.size())) cancelled = true;
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < std::min<int>(thread_count(), static_cast<int>(jobs.size())); ++t)
    helpers.emplace_back(work);
  work();
  for (auto& helper : helpers) helper.join();
  if (cancelled) return std::nullopt;
  std::vector<Result<LayerEntry>> results;
  for (auto& entry : entries) results.push_back(std::move(*entry));
  return results;
}

}  // namespace

Result<ExportSummary> export_activations(const Model& model, const InputImage& image,
                                         const std::string& image_path, const std::string& out_dir,
                                         const ExportOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(out_dir, ec)) return Error{out_dir + ": no such folder"};
  CaptureOptions capture_options;
  capture_options.layers = options.layers;
  auto captured = model.capture({image}, capture_options);
  if (!captured) return Error{captured.error()};
  return export_captured(model, captured.value(), 0, image, image_path, out_dir, options);
}

Result<ExportSummary> export_captured(const Model& model, const CaptureResult& captured, size_t index,
                                      const InputImage& image, const std::string& image_path,
                                      const std::string& out_dir, const ExportOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(out_dir, ec)) return Error{out_dir + ": no such folder"};
  const std::vector<LayerJob> jobs = plan_jobs(model, captured.activations, index);
  auto entries = export_in_parallel(jobs, model, image_path, out_dir, options);
  if (!entries) return Error{"export cancelled"};

  json layers = json::array();
  int64_t non_finite = 0;
  for (auto& entry : *entries) {
    if (!entry.ok()) return Error{entry.error()};
    non_finite += entry.value().non_finite;
    layers.push_back(std::move(entry.value().entry));
  }
  json manifest = {{"tool", tool_entry()},
                   {"model", model_entry(model)},
                   {"image", image_entry(image, image_path)},
                   {"normalization", to_string(options.view.normalization)},
                   {"colormap", to_string(colormap_of(options.view))},
                   {"sort_by_mean", options.view.sort_by_mean},
                   {"top_k", options.view.top_k},
                   {"layers", std::move(layers)}};
  const std::string manifest_path = out_dir + "/manifest.json";
  if (auto written = write_file_atomically(manifest_path, json_text(manifest, 2) + "\n"); !written)
    return Error{written.error()};
  return ExportSummary{manifest_path, entries->size(), non_finite};
}

}  // namespace actscope
