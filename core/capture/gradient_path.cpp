// CaptureGraph's gradient path: the rewrite with chosen captures turned into
// autograd leaves where they are produced, for the CAM methods.
#include <mutex>
#include <unordered_map>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/jit.h>

#include "core/capture/batch_norm_folding.h"
#include "core/capture/capture_graph.h"
#include "core/capture/jit_ir.h"

namespace actscope {
namespace {

// The value itself when autograd records it, else a leaf that requires grad
// and shares its memory.
Graph& leaf_helper_graph() {
  static const std::shared_ptr<torch::jit::CompilationUnit> unit = torch::jit::compile(R"(
def as_gradient_leaf(x: Tensor) -> Tensor:
    if x.requires_grad:
        return x
    return x.detach().requires_grad_()
)");
  return *torch::jit::toGraphFunction(unit->get_function("as_gradient_leaf")).graph();
}

// The top-level node of `graph` that holds `node` (itself when top-level).
Node* top_level(Graph& graph, Node* node) {
  while (node->owningBlock() != graph.block()) node = node->owningBlock()->owningNode();
  return node;
}

// Removes every top-level node after the last one that makes `kept` (but the
// return tuple, the last node): the rest of forward, which dead-code
// elimination keeps for its checks that may raise (BatchNorm's input
// dimension, a pooling's size), is never run.
void drop_after(Graph& graph, const std::vector<Value*>& kept) {
  Node* last = nullptr;
  for (Value* value : kept) {
    Node* node = top_level(graph, value->node());
    if (node->kind() == prim::Param) continue;
    if (last == nullptr || last->isBefore(node)) last = node;
  }
  Node* tuple = graph.outputs().at(0)->node();
  std::vector<Node*> after;
  for (Node* node = last != nullptr ? last->next() : graph.block()->nodes().front(); node != tuple;
       node = node->next()) {
    after.push_back(node);
  }
  for (auto it = after.rbegin(); it != after.rend(); ++it) (*it)->destroy();
}

// The function of `base` (outputs: model output, captures...) that returns
// (model output, leaves...) for `captures`. Each requested capture is
// replaced, where it is produced, by itself when autograd already records it
// (an earlier leaf feeds it, also through in-place writes), else by a leaf
// that requires grad: a leaf there would cut the path from the earlier one.
// Without `model_output` the tuple holds the leaves only, and what only the
// model output needed is removed with the dead code.
// Without the model output, eval BatchNorms after convolutions also become
// their affine maps (batch_norm_folding.h), with `module`'s statistics.
std::unique_ptr<GraphFunction> leaf_function(Graph& base, const std::vector<int>& captures, bool model_output,
                                             const torch::jit::Module& module) {
  auto graph = base.copy();
  std::vector<Value*> targets;
  for (int capture : captures) targets.push_back(graph->outputs().at(1 + capture));
  auto helper = leaf_helper_graph().copy();
  std::unordered_map<Value*, Value*> leaf_of;
  for (Value* value : targets) {
    if (leaf_of.count(value)) continue;
    Node* producer = value->node();
    torch::jit::WithInsertPoint insert(producer->kind() == prim::Param ? graph->block()->nodes().front()
                                                                       : producer->next());
    Value* leaf = torch::jit::insertGraph(*graph, *helper, {value}).at(0);
    value->replaceAllUsesAfterNodeWith(leaf->node(), leaf);
    leaf_of.emplace(value, leaf);
  }
  std::vector<Value*> outputs;
  if (model_output) outputs.push_back(graph->outputs().at(0));
  for (Value* value : targets) outputs.push_back(leaf_of.at(value));
  while (!graph->outputs().empty()) graph->eraseOutput(0);
  graph->registerOutput(graph->insertNode(graph->createTuple(outputs))->output());
  if (!model_output) {
    drop_after(*graph, outputs);
    fold_batch_norms(*graph, module);
  }
  torch::jit::EliminateDeadCode(graph);
  return std::make_unique<GraphFunction>("actscope_gradient", graph, nullptr,
                                         torch::jit::ExecutorExecutionMode::SIMPLE);
}

}  // namespace

CaptureGraph::GradientOutput CaptureGraph::run_with_leaves(const torch::jit::Module& module,
                                                           const torch::Tensor& input,
                                                           const std::vector<int>& captures,
                                                           bool model_output) const {
  GraphFunction* function = nullptr;
  {
    std::vector<int> key = captures;
    if (!model_output) key.push_back(-1);  // capture indices are >= 0
    std::lock_guard<std::mutex> lock(leaf_functions_mutex_);
    auto& slot = leaf_functions_[key];
    if (!slot) slot = leaf_function(*base_graph_, captures, model_output, module);
    function = slot.get();
  }
  torch::jit::Stack stack{module._ivalue(), input_written_ ? input.clone() : input};
  {
    torch::jit::GraphOptimizerEnabledGuard no_optimizer(false);
    torch::AutoGradMode grad(true);
    function->run(stack);
  }
  const auto& elements = stack.back().toTupleRef().elements();
  GradientOutput output;
  const size_t first_leaf = model_output ? 1 : 0;
  if (model_output) output.model_output = elements.at(0);
  for (size_t i = first_leaf; i < elements.size(); ++i) output.leaves.push_back(elements[i].toTensor());
  return output;
}

}  // namespace actscope
