#include "core/explain/gap_linear_head.h"

#include <algorithm>
#include <set>
#include <vector>

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>

#include "core/capture/jit_ir.h"

namespace actscope {
namespace {

// The qualified path of a module value reached from `self` by GetAttr nodes.
std::optional<std::string> module_path_of(const Value* value, const Graph& graph) {
  std::vector<std::string> parts;
  while (value != graph.inputs().at(0)) {
    const Node* node = value->node();
    if (node->kind() != prim::GetAttr) return std::nullopt;
    parts.push_back(node->s(attr::name));
    value = node->input(0);
  }
  std::string path;
  for (auto part = parts.rbegin(); part != parts.rend(); ++part) path += (path.empty() ? "" : ".") + *part;
  return path;
}

// The value of a constant int list, also when built by a ListConstruct of
// constants (scripted code does that for tuples such as `dim=(2, 3)`).
std::optional<std::vector<int64_t>> constant_ints(const Value* value) {
  if (auto constant = torch::jit::toIValue(value); constant && constant->isIntList())
    return constant->toIntVector();
  if (value->node()->kind() != prim::ListConstruct) return std::nullopt;
  std::vector<int64_t> ints;
  for (const Value* item : value->node()->inputs()) {
    auto constant = torch::jit::toIValue(item);
    if (!constant || !constant->isInt()) return std::nullopt;
    ints.push_back(constant->toInt());
  }
  return ints;
}

// The weight of the final linear layer `linear`: a constant, or a parameter
// of a module reached from `self`. Sets `notice` otherwise.
std::optional<torch::Tensor> linear_weight(const Node* linear, const Graph& graph,
                                           const torch::jit::Module& module, std::string& notice) {
  const Value* weight_value = linear->input(1);
  if (auto constant = torch::jit::toIValue(weight_value); constant && constant->isTensor()) {
    return constant->toTensor();
  }
  if (weight_value->node()->kind() != prim::GetAttr) {
    notice = "the final linear layer's weight is computed in forward(), not a parameter";
    return std::nullopt;
  }
  const auto path = module_path_of(weight_value->node()->input(0), graph);
  if (!path) {
    notice = "the weights of the final linear layer could not be found";
    return std::nullopt;
  }
  return submodule(module, *path).attr(weight_value->node()->s(attr::name)).toTensor();
}

// Whether `pool` averages over all positions: adaptive_avg_pool2d to 1x1
// (scripted code may compute the size: then the weight's width is checked
// against the maps' channels when the CAM runs), or mean over the last two
// dimensions, (2, 3) or (-1, -2).
bool is_global_average_pool(const Node* pool) {
  if (pool->kind() == aten::adaptive_avg_pool2d) {
    const auto size = constant_ints(pool->input(1));
    return !size || *size == std::vector<int64_t>{1, 1} || *size == std::vector<int64_t>{1};
  }
  if (pool->kind() != aten::mean || pool->inputs().size() < 2) return false;
  const auto dims = constant_ints(pool->input(1));
  if (!dims) return false;
  std::set<int64_t> wanted;
  for (int64_t dim : *dims) wanted.insert(dim < 0 ? dim + 4 : dim);
  return wanted == std::set<int64_t>{2, 3};
}

// Looks for `linear(flatten(global_average_pool(A)))` at the end of forward
// (dropout, flatten, view, reshape and squeeze may sit between pool and
// linear). Sets `notice` when forward ends otherwise.
std::optional<GapLinearHead> find_head(const Graph& graph, const torch::jit::Module& module,
                                       const std::vector<const Value*>& captured, std::string& notice) {
  const Value* value = graph.outputs().at(0);
  if (value->node()->kind() == prim::TupleConstruct) value = value->node()->input(0);
  const Node* linear = value->node();
  if (linear->kind() != aten::linear) {
    notice = "forward() does not end in a linear layer (its last op is " +
             std::string(linear->kind().toUnqualString()) + ")";
    return std::nullopt;
  }
  const std::optional<torch::Tensor> weight = linear_weight(linear, graph, module, notice);
  if (!weight) return std::nullopt;
  static const std::set<c10::Symbol> pass_through = {
      aten::flatten,         aten::view,          aten::reshape,   aten::squeeze, aten::dropout,
      aten::feature_dropout, aten::alpha_dropout, aten::contiguous};
  const Value* pooled = linear->input(0);
  while (pass_through.count(pooled->node()->kind())) pooled = pooled->node()->input(0);
  const Node* pool = pooled->node();
  if (!is_global_average_pool(pool) || weight->dim() != 2) {
    notice = "the final linear layer does not read a global average pool (it reads " +
             std::string(pool->kind().toUnqualString()) + ")";
    return std::nullopt;
  }
  // The pooled value is a capture, or a clone that protects one.
  const Value* feature = pool->input(0);
  for (int pass = 0; pass < 2; ++pass) {
    const auto it = std::find(captured.begin(), captured.end(), feature);
    if (it != captured.end()) return GapLinearHead{static_cast<int>(it - captured.begin()), *weight};
    if (feature->node()->kind() != aten::clone) break;
    feature = feature->node()->input(0);
  }
  notice = "the tensor the global average pool reads is not a capturable layer";
  return std::nullopt;
}

}  // namespace

std::optional<GapLinearHead> find_gap_linear_head(const CaptureGraph& graph, const torch::jit::Module& module,
                                                  std::string& notice) {
  // The base graph's outputs are (model output, captures...).
  const Graph& base = graph.base_graph();
  const std::vector<const Value*> captured(base.outputs().begin() + 1, base.outputs().end());
  try {
    return find_head(base, module, captured, notice);
  } catch (const std::exception& e) {
    notice = std::string("the final linear layer could not be read (") + e.what() + ")";
    return std::nullopt;
  }
}

}  // namespace actscope
