#include "core/capture/graph_facts.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/runtime/graph_executor.h>

namespace actscope {
namespace {

bool is_tensor(const Value* value) { return value->type()->kind() == c10::TypeKind::TensorType; }

bool is_integer(const Value* value) {
  const auto kind = value->type()->kind();
  return kind == c10::TypeKind::IntType || kind == c10::TypeKind::BoolType;
}

// The values of the top-level block, in the same order for a graph and its copy.
std::vector<const Value*> top_level_values(const Graph& graph) {
  std::vector<const Value*> values(graph.inputs().begin(), graph.inputs().end());
  for (const Node* node : graph.nodes()) values.insert(values.end(), node->outputs().begin(), node->outputs().end());
  return values;
}

bool is_integer_list(const Value* value) {
  const auto list = value->type()->cast<c10::ListType>();
  return list && list->getElementType()->kind() == c10::TypeKind::IntType;
}

}  // namespace

GraphFacts GraphFacts::measure(const Graph& graph, const torch::jit::Module& module, const torch::Tensor& input) {
  // copy() reads the graph only; it is not declared const.
  std::shared_ptr<Graph> copy = const_cast<Graph&>(graph).copy();
  const std::vector<const Value*> originals = top_level_values(graph);
  const std::vector<const Value*> copies = top_level_values(*copy);
  // Every tensor's sizes and every int as outputs, in one tuple.
  std::vector<size_t> measured;  // indices into originals
  std::vector<Value*> outputs;
  for (size_t i = 0; i < copies.size(); ++i) {
    Value* value = const_cast<Value*>(copies[i]);
    // The placeholder TorchScript puts where a branch raises holds no value.
    if (value->node()->kind() == prim::Uninitialized) continue;
    if (is_tensor(value)) {
      Node* producer = value->node();
      torch::jit::WithInsertPoint point(producer->kind() == prim::Param ? copy->block()->nodes().front()
                                                                        : producer->next());
      outputs.push_back(copy->insert(aten::size, {value}));
    } else if ((is_integer(value) || is_integer_list(value)) && value->node()->kind() != prim::Constant) {
      outputs.push_back(value);
    } else {
      continue;
    }
    measured.push_back(i);
  }
  while (!copy->outputs().empty()) copy->eraseOutput(0);
  copy->registerOutput(copy->insertNode(copy->createTuple(outputs))->output());
  GraphFunction function("actscope_graph_facts", copy, nullptr, torch::jit::ExecutorExecutionMode::SIMPLE);
  torch::jit::Stack stack{module._ivalue(), input};
  {
    c10::InferenceMode inference;
    torch::jit::GraphOptimizerEnabledGuard no_optimizer(false);
    function.run(stack);
  }
  const auto& results = stack.back().toTupleRef().elements();
  GraphFacts facts;
  for (size_t i = 0; i < measured.size(); ++i) {
    const Value* original = originals[measured[i]];
    if (results[i].isIntList()) {
      (is_tensor(original) ? facts.sizes_ : facts.lists_)[original] = results[i].toIntVector();
    } else if (results[i].isInt()) {
      facts.integers_[original] = results[i].toInt();
    } else if (results[i].isBool()) {
      facts.integers_[original] = results[i].toBool() ? 1 : 0;
    }
  }
  return facts;
}

const std::vector<int64_t>* GraphFacts::sizes(const Value* value) const {
  auto it = sizes_.find(value);
  return it == sizes_.end() ? nullptr : &it->second;
}

std::optional<int64_t> GraphFacts::integer(const Value* value) const {
  if (auto constant = torch::jit::toIValue(value)) {
    if (constant->isInt()) return constant->toInt();
    if (constant->isBool()) return constant->toBool() ? 1 : 0;
    return std::nullopt;
  }
  auto it = integers_.find(value);
  return it == integers_.end() ? std::nullopt : std::optional<int64_t>(it->second);
}

std::optional<std::vector<int64_t>> GraphFacts::integers(const Value* value) const {
  if (auto constant = torch::jit::toIValue(value); constant && constant->isIntList()) {
    return constant->toIntVector();
  }
  if (auto it = lists_.find(value); it != lists_.end()) return it->second;
  if (value->node()->kind() != prim::ListConstruct) return std::nullopt;
  std::vector<int64_t> list;
  for (const Value* item : value->node()->inputs()) {
    auto known = integer(item);
    if (!known) return std::nullopt;
    list.push_back(*known);
  }
  return list;
}

std::optional<std::string> GraphFacts::text(const Value* value) const {
  auto constant = torch::jit::toIValue(value);
  if (constant && constant->isString()) return constant->toStringRef();
  return std::nullopt;
}

}  // namespace actscope
