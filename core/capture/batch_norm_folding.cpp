// batch_norm_folding: an eval batch_norm after a conv2d as a multiply and an add.
#include "core/capture/batch_norm_folding.h"

#include <algorithm>
#include <optional>
#include <string>

#include <torch/csrc/jit/ir/constants.h>

namespace actscope {
namespace {

// The module attribute a chain of prim::GetAttr from the graph's first input
// reads (self.bn1.weight), or nothing for any other value.
std::optional<c10::IValue> attribute_of(Value* value, const Graph& graph, const torch::jit::Module& module) {
  std::vector<std::string> names;
  while (value->node()->kind() == prim::GetAttr) {
    names.push_back(value->node()->s(attr::name));
    value = value->node()->input(0);
  }
  if (value != graph.inputs().at(0) || names.empty()) return std::nullopt;
  c10::IValue current = module._ivalue();
  for (auto name = names.rbegin(); name != names.rend(); ++name) {
    if (!current.isObject() || !current.toObjectRef().type()->hasAttribute(*name)) return std::nullopt;
    current = current.toObjectRef().getAttr(*name);
  }
  return current;
}

std::optional<torch::Tensor> tensor_of(Value* value, const Graph& graph, const torch::jit::Module& module) {
  auto attribute = attribute_of(value, graph, module);
  if (!attribute || !attribute->isTensor()) return std::nullopt;
  return attribute->toTensor();
}

// Replaces `batch_norm` by its affine map; false when it does not qualify.
bool fold(Graph& graph, Node* batch_norm, const torch::jit::Module& module) {
  Node* conv = batch_norm->input(0)->node();
  if (conv->kind() != aten::conv2d || conv->inputs().size() != 7) return false;
  const auto training = torch::jit::toIValue(batch_norm->input(5));
  const auto eps = torch::jit::toIValue(batch_norm->input(7));
  if (!training || !training->isBool() || training->toBool() || !eps || !eps->isDouble()) return false;
  auto weight = tensor_of(conv->input(1), graph, module);
  auto mean = tensor_of(batch_norm->input(3), graph, module);
  auto variance = tensor_of(batch_norm->input(4), graph, module);
  if (!weight || !mean || !variance || !weight->is_floating_point()) return false;
  const int64_t channels = weight->size(0);
  auto optional_tensor = [&](Value* value, double fill) -> std::optional<torch::Tensor> {
    if (value->type()->kind() == c10::TypeKind::NoneType) return torch::full({channels}, fill, torch::kFloat64);
    auto attribute = attribute_of(value, graph, module);
    if (!attribute) return std::nullopt;
    if (attribute->isNone()) return torch::full({channels}, fill, torch::kFloat64);
    if (!attribute->isTensor()) return std::nullopt;
    return attribute->toTensor().to(torch::kFloat64);
  };
  auto gamma = optional_tensor(batch_norm->input(1), 1.0);
  auto beta = optional_tensor(batch_norm->input(2), 0.0);
  if (!gamma || !beta) return false;
  torch::NoGradGuard no_grad;
  const torch::Tensor scale = *gamma / (variance->to(torch::kFloat64) + eps->toDouble()).sqrt();
  const torch::Tensor shift = *beta - mean->to(torch::kFloat64) * scale;
  const auto type = weight->scalar_type();
  torch::jit::WithInsertPoint insert(batch_norm);
  Value* multiplier = graph.insertConstant(scale.to(type).view({channels, 1, 1}).contiguous());
  Value* offset = graph.insertConstant(shift.to(type).view({channels, 1, 1}).contiguous());
  Value* scaled = graph.insert(aten::mul, {batch_norm->input(0), multiplier});
  Value* shifted = graph.insert(aten::add, {scaled, offset});
  shifted->setType(batch_norm->output()->type());
  batch_norm->output()->replaceAllUsesWith(shifted);
  batch_norm->destroy();
  return true;
}

}  // namespace

int fold_batch_norms(Graph& graph, const torch::jit::Module& module) {
  std::vector<Node*> batch_norms;
  for (Node* node : graph.block()->nodes()) {
    if (node->kind() == aten::batch_norm) batch_norms.push_back(node);
  }
  int folded = 0;
  for (Node* batch_norm : batch_norms) folded += fold(graph, batch_norm, module);
  return folded;
}

}  // namespace actscope
