#include "core/capture/inplace_protection.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include <torch/csrc/jit/ir/alias_analysis.h>

#include "core/capture/jit_ir.h"

namespace actscope {
namespace {

// The top-level nodes after `value`'s producer that write to it or an alias.
std::vector<Node*> later_writers(const torch::jit::AliasDb& alias_db, Value* value, const Graph& graph) {
  const torch::jit::ValueSet target{value};
  std::vector<Node*> writers;
  for (Node* node = value->node()->next(); node != graph.return_node(); node = node->next()) {
    if (alias_db.writesToAlias(node, target)) writers.push_back(node);
  }
  return writers;
}

// The functional twin of an in-place op (aten::relu_ -> aten::relu), which
// takes the same arguments and computes the same values into a new tensor.
std::optional<c10::Symbol> functional_twin(const Node* node) {
  static const std::set<std::string> inplace_ops = {
      "relu_",      "add_",  "sub_",     "mul_", "div_",         "hardtanh_", "leaky_relu_",
      "hardswish_", "silu_", "sigmoid_", "elu_", "hardsigmoid_", "clamp_"};
  if (!node->kind().is_aten() || !inplace_ops.count(node->kind().toUnqualString())) return std::nullopt;
  const std::string name = node->kind().toUnqualString();
  return c10::Symbol::aten(name.substr(0, name.size() - 1));
}

// Whether `value` was defined before `node` runs (graph and block inputs count).
bool defined_before(const Value* value, const Node* node) {
  return value->node()->kind() == prim::Param || value->node()->isBefore(node);
}

// Whether `node` (or anything in its blocks) reads a value defined before
// `writer` that may hold an alias of `value`.
bool reads_old_alias(const torch::jit::AliasDb& alias_db, Node* node, Value* value, const Node* writer) {
  for (Value* input : node->inputs()) {
    if (defined_before(input, writer) && alias_db.mayContainAlias(input, value)) return true;
  }
  for (Block* block : node->blocks()) {
    for (Node* inner : block->nodes()) {
      if (reads_old_alias(alias_db, inner, value, writer)) return true;
    }
    if (reads_old_alias(alias_db, block->return_node(), value, writer)) return true;
  }
  return false;
}

// Whether `writer`, the first later writer of `value`, can become its
// functional twin without changing what anything reads: it mutates `value`
// itself, and nothing after it reads `value` or an alias of it that existed
// before it (a view, the base of a view, an `if` result, the graph's return);
// what it produces and everything derived from that becomes fresh instead.
bool can_make_functional(const torch::jit::AliasDb& alias_db, Value* value, Node* writer,
                         const Graph& graph) {
  if (!functional_twin(writer) || writer->input(0) != value || writer->outputs().size() != 1) return false;
  for (Node* node = writer->next();; node = node->next()) {
    if (reads_old_alias(alias_db, node, value, writer)) return false;
    if (node == graph.return_node()) return true;
  }
}

// Replaces in-place `writer` by its functional twin; `captured` follows.
// In place keeps self's dtype while the twin promotes (a float tensor times a
// double buffer), so results of binary ops are cast back to self's dtype (a
// no-op when they agree).
void make_functional(Graph& graph, Node* writer, std::vector<Value*>& captured) {
  Node* functional = graph.create(*functional_twin(writer), writer->inputs(), 1);
  functional->insertBefore(writer);
  functional->output()->setType(writer->output()->type());
  Value* result = functional->output();
  const bool binary =
      writer->inputs().size() > 1 && writer->input(1)->type()->isSubtypeOf(*c10::TensorType::get());
  if (binary) {
    torch::jit::WithInsertPoint insert(writer);
    Value* dtype = graph.insert(prim::dtype, {writer->input(0)});
    result = graph.insert(aten::to, {result, dtype, false, false});
  }
  writer->output()->replaceAllUsesWith(result);
  std::replace(captured.begin(), captured.end(), writer->output(), result);
  writer->destroy();
}

// Whether `value` may share memory with something defined before it (it is a
// view or an in-place result, or a graph input): redirecting its later uses
// to a copy would then cut them off from that other value.
bool may_alias_earlier(const torch::jit::AliasDb& alias_db, Value* value) {
  if (value->node()->kind() == prim::Param) return true;
  for (Value* input : value->node()->inputs()) {
    if (alias_db.mayContainAlias(input, value)) return true;
  }
  return false;
}

}  // namespace

// Why a recorded value cannot be a graph output, or "" when it can.
std::string not_capturable_reason(const Value* value, const Graph& graph) {
  if (value == nullptr) return "the call returns nothing";
  if (value->node()->owningBlock() != graph.block()) {
    return "computed inside an if/loop body of forward(), so it exists only on some runs";
  }
  if (value->type()->kind() == c10::TypeKind::NoneType) {
    return "the traced graph keeps no output for this call (tracing drops outputs that are unused or are the "
           "call's own input); save the model with torch.jit.script to capture it";
  }
  if (!value->type()->isSubtypeOf(*c10::TensorType::get())) {
    return "its output is a " + value->type()->str() + ", not a tensor";
  }
  return "";
}

// In-place ops downstream (ReLU(inplace=True) after BatchNorm, `out += x`)
// would overwrite captured values. Where the first such op mutates the value
// itself and nothing else can observe the difference, it becomes its
// functional twin (no extra work). Otherwise a clone, right after the
// producer, takes over every later use: downstream code mutates the copy, the
// captured value keeps the true numbers, and gradients still flow through it.
// For a value that may alias earlier ones the model is left alone and the
// capture is a copy taken right after the producer.
void protect_from_inplace_writes(const std::shared_ptr<Graph>& graph, std::vector<Value*>& captured) {
  auto alias_db = std::make_unique<torch::jit::AliasDb>(graph);
  for (size_t i = 0; i < captured.size(); ++i) {
    std::vector<Node*> writers = later_writers(*alias_db, captured[i], *graph);
    if (writers.empty()) continue;
    if (can_make_functional(*alias_db, captured[i], writers[0], *graph)) {
      make_functional(*graph, writers[0], captured);
      alias_db = std::make_unique<torch::jit::AliasDb>(graph);  // the graph changed
      writers = later_writers(*alias_db, captured[i], *graph);
      if (writers.empty()) continue;
    }
    Value* value = captured[i];
    Node* producer = value->node();
    torch::jit::WithInsertPoint insert(producer->kind() == prim::Param ? graph->block()->nodes().front()
                                                                       : producer->next());
    Value* clone = graph->insert(aten::clone, {value});
    if (may_alias_earlier(*alias_db, value)) {
      std::replace(captured.begin(), captured.end(), value, clone);
    } else {
      value->replaceAllUsesAfterNodeWith(clone->node(), clone);
    }
    alias_db = std::make_unique<torch::jit::AliasDb>(graph);
  }
}

// A module output is what the module returned, as a forward hook sees it.
// When the module itself mutates the value before returning (`x.relu_();
// return x`, or an Identity after an in-place op), the capture is a copy
// taken where the call returns. Removes the call-end markers.
void capture_at_call_end(const std::shared_ptr<Graph>& graph_ptr, std::vector<RecordedPoint>& recorded) {
  Graph& graph = *graph_ptr;
  const torch::jit::AliasDb alias_db(graph_ptr);
  std::vector<std::pair<RecordedPoint*, Node*>> copies;
  for (auto& entry : recorded) {
    if (!entry.call_end || !entry.value || entry.call_end->owningBlock() != graph.block() ||
        !not_capturable_reason(entry.value, graph).empty()) {
      continue;
    }
    for (Node* writer : later_writers(alias_db, entry.value, graph)) {
      if (writer->isBefore(entry.call_end)) {
        copies.emplace_back(&entry, entry.call_end);
        break;
      }
    }
  }
  for (auto& [entry, call_end] : copies) {
    torch::jit::WithInsertPoint insert(call_end);
    entry->value = graph.insert(aten::clone, {entry->value});
  }
  for (auto& entry : recorded) {
    if (entry.call_end) entry.call_end->destroy();
    entry.call_end = nullptr;
  }
}

}  // namespace actscope
