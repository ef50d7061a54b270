#include "core/capture/capture_graph.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_map>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/alias_analysis.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

#include "core/capture/graph_rewriter.h"
#include "core/capture/inplace_protection.h"
#include "core/capture/jit_ir.h"
#include "core/capture/range_fusion.h"

namespace actscope {

torch::jit::Module submodule(const torch::jit::Module& root, const std::string& path) {
  torch::jit::Module module = root;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) module = module.attr(part).toModule();
  return module;
}

CaptureGraph::CaptureGraph(const torch::jit::Module& module, const CaptureGraphOptions& options) : options_(options) {
  auto& forward = torch::jit::toGraphFunction(module.get_method("forward").function());
  auto graph = forward.graph()->copy();
  InlinedForward inlined = inline_forward(module, graph);
  has_module_calls_ = inlined.has_module_calls;

  auto& recorded = inlined.recorded;
  capture_at_call_end(graph, recorded);
  std::stable_sort(recorded.begin(), recorded.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<Value*> captured;
  std::unordered_map<Value*, int> output_of_value;  // modules returning the same value share it
  for (auto& entry : recorded) {
    entry.point.not_capturable_reason = not_capturable_reason(entry.value, *graph);
    if (entry.point.not_capturable_reason.empty()) {
      auto [it, inserted] = output_of_value.emplace(entry.value, static_cast<int>(captured.size()));
      if (inserted) captured.push_back(entry.value);
      entry.point.output_index = it->second;
    }
    points_.push_back(std::move(entry.point));
  }
  capture_count_ = static_cast<int>(captured.size());
  protect_from_inplace_writes(graph, captured);

  {
    const torch::jit::AliasDb alias_db(graph);
    Value* input = graph->inputs().at(1);
    input_written_ = alias_db.hasWriters(input);
    // A capture that views the input (a Flatten applied first) must not
    // point into the caller's memory once the run is over.
    for (Value* value : captured) input_viewed_ = input_viewed_ || alias_db.mayAlias(value, input);
  }

  // As graph outputs the captures survive copying the graph.
  range_sources_ = derive_ranges(captured);
  for (Value* value : captured) graph->registerOutput(value);
  base_graph_ = graph->copy();
  auto general_graph = graph->copy();
  fast_function_ = finish_capture_function(graph, range_sources_, /*fast=*/true, options, fast_range_widths_);
  general_function_ =
      finish_capture_function(general_graph, range_sources_, /*fast=*/false, options, general_range_widths_);
}

CaptureGraph::~CaptureGraph() = default;

CaptureGraph::Output CaptureGraph::run(const torch::jit::Module& module, const torch::Tensor& input) const {
  // The fast ranges throw for empty, complex or half captures: then the
  // general function runs instead (an error in the model itself throws again).
  try {
    return run_function(*fast_function_, /*fast=*/true, module, input);
  } catch (const std::exception&) {
    return run_function(*general_function_, /*fast=*/false, module, input);
  }
}

CaptureGraph::Output CaptureGraph::run_summarized(const torch::jit::Module& module, const torch::Tensor& input,
                                                  const std::vector<SummaryRequest>& requests) const {
  std::string key;
  for (const SummaryRequest& request : requests) {
    key += std::to_string(request.capture);
    if (request.bounds) key += "[" + std::to_string(request.bounds->first) + "," + std::to_string(request.bounds->second) + "]";
    key += ";";
  }
  GraphFunction* function = nullptr;
  {
    std::lock_guard<std::mutex> lock(summary_functions_mutex_);
    auto& slot = summary_functions_[key];
    if (!slot) {
      std::vector<int> widths;
      slot = finish_capture_function(base_graph_->copy(), range_sources_, /*fast=*/true, options_, widths, requests);
      TORCH_INTERNAL_ASSERT(widths == fast_range_widths_);
    }
    function = slot.get();
  }
  try {
    return run_function(*function, /*fast=*/true, module, input, requests.size());
  } catch (const std::exception&) {
    return run_function(*general_function_, /*fast=*/false, module, input);
  }
}

CaptureGraph::Output CaptureGraph::run_function(GraphFunction& function, bool fast,
                                                const torch::jit::Module& module, const torch::Tensor& input,
                                                size_t summaries) const {
  torch::jit::Stack stack{module._ivalue(), input_written_ || input_viewed_ ? input.clone() : input};
  {
    // Deterministic plans: the profiling executor would rewrite them after warm-up.
    torch::jit::GraphOptimizerEnabledGuard no_optimizer(false);
    function.run(stack);
  }
  const auto& elements = stack.back().toTupleRef().elements();
  Output output;
  output.model_output = elements.at(0);
  output.captures.reserve(capture_count_);
  for (int i = 1; i <= capture_count_; ++i) output.captures.push_back(elements[i].toTensor());
  size_t next_range = 1 + capture_count_;
  output.ranges.resize(capture_count_);
  const std::vector<int>& widths = fast ? fast_range_widths_ : general_range_widths_;
  for (int i = 0; i < capture_count_; ++i) {
    if (widths[i] == 2) {  // aminmax's two scalars
      output.ranges[i] = {elements[next_range].toTensor().data_ptr<float>()[0],
                          elements[next_range + 1].toTensor().data_ptr<float>()[0]};
    } else if (widths[i] == 1) {  // one [min, max] tensor
      const float* range = elements[next_range].toTensor().data_ptr<float>();
      output.ranges[i] = {range[0], range[1]};
    }
    next_range += widths[i];
  }
  for (size_t i = 0; i < summaries; ++i) output.summaries.push_back(elements.at(next_range + i).toTensor());
  for (int i = 0; i < capture_count_; ++i) {
    const RangeSource& source = range_sources_[i];
    if (source.from < 0) continue;
    // Clamped like the op clamps; a NaN bound stays NaN, as the op keeps NaN.
    const auto clamp = [&](float bound) {
      return std::isnan(bound) ? bound : std::min(std::max(bound, source.low), source.high);
    };
    const auto [low, high] = output.ranges[source.from];
    output.ranges[i] = output.captures[i].numel() == 0 ? std::pair<float, float>{0.f, 0.f}
                                                       : std::pair<float, float>{clamp(low), clamp(high)};
  }
  return output;
}

}  // namespace actscope
