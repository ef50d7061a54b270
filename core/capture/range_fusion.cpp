#include "core/capture/range_fusion.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/jit.h>

#include "core/capture/fused_ranges.h"
#include "core/capture/jit_ir.h"

namespace actscope {
namespace {

// [min, max] of a tensor as float32 (half and integer tensors too); [0, 0]
// when it is empty or complex (aminmax would throw).
Graph& value_range_graph() {
  static const std::shared_ptr<torch::jit::CompilationUnit> unit = torch::jit::compile(R"(
def value_range(x: Tensor) -> Tensor:
    if x.numel() == 0 or x.is_complex():
        return torch.zeros([2])
    low, high = torch.aminmax(x.detach().float())
    return torch.stack([low, high])
)");
  return *torch::jit::toGraphFunction(unit->get_function("value_range")).graph();
}

// The aten::relu in the top-level block that reads `value`, or nullptr.
Node* relu_reading(const Value* value, const Graph& graph) {
  for (const torch::jit::Use& use : value->uses()) {
    Node* user = use.user;
    if (user->kind() == aten::relu && user->inputs().size() == 1 && user->owningBlock() == graph.block())
      return user;
  }
  return nullptr;
}

// Whether `value` is the constant 1 (an add's alpha).
bool is_constant_one(const Value* value) {
  const auto constant = torch::jit::toIValue(value);
  return constant && ((constant->isInt() && constant->toInt() == 1) ||
                      (constant->isDouble() && constant->toDouble() == 1.0));
}

// A captured sum that a ReLU reads: `add(a, b)` written in the model's code,
// or the functional twin of `a += b` (add, then cast back to a's dtype).
struct CapturedSum {
  Node* add = nullptr;
  Node* cast = nullptr;  // the aten::to of a twin, else null
};

std::optional<CapturedSum> captured_sum(Value* value) {
  CapturedSum sum;
  Node* node = value->node();
  // to(sum, dtype(a), non_blocking=False, copy=False[, memory_format=None])
  // is the twin's cast back; a `.to` with other arguments is not fused.
  auto is_constant = [](const Value* argument, const c10::IValue& expected) {
    const auto constant = torch::jit::toIValue(argument);
    return constant && ((constant->isNone() && expected.isNone()) ||
                        (constant->isBool() && expected.isBool() && constant->toBool() == expected.toBool()));
  };
  if (node->kind() == aten::to && (node->inputs().size() == 4 || node->inputs().size() == 5) &&
      node->input(1)->node()->kind() == prim::dtype && is_constant(node->input(2), false) &&
      is_constant(node->input(3), false) &&
      (node->inputs().size() == 4 || is_constant(node->input(4), c10::IValue()))) {
    sum.cast = node;
    node = node->input(0)->node();
    if (node->kind() == aten::add && node->input(0) != sum.cast->input(1)->node()->input(0))
      return std::nullopt;  // cast to another tensor's dtype
  }
  const auto tensor = c10::TensorType::get();
  if (node->kind() != aten::add || node->inputs().size() != 3 || node->outputs().size() != 1 ||
      !node->input(0)->type()->isSubtypeOf(*tensor) || !node->input(1)->type()->isSubtypeOf(*tensor) ||
      !is_constant_one(node->input(2)))
    return std::nullopt;
  sum.add = node;
  return sum;
}

// Replaces the uses of `from` by `to`, in `captured` too.
void redirect(Value* from, Value* to, std::vector<Value*>& captured) {
  std::replace(captured.begin(), captured.end(), from, to);
  from->replaceAllUsesWith(to);
}

// Creates `op` on `inputs` before `before` with tensor outputs, the first
// typed as `first_type`.
Node* insert_fused(Graph& graph, c10::Symbol op, at::ArrayRef<Value*> inputs, size_t outputs, Node* before,
                   const c10::TypePtr& first_type) {
  torch::jit::WithInsertPoint insert(before);
  Node* fused = graph.insertNode(graph.create(op, inputs, outputs));
  for (Value* output : fused->outputs()) output->setType(c10::TensorType::get());
  fused->output(0)->setType(first_type);
  return fused;
}

// The range outputs of a fused op, for the captures of its input and output.
struct FusedRanges {
  Value* input = nullptr;  // batch norms only
  Value* output = nullptr;
};

// A captured batch norm, and the ReLU that reads it if any, become
// actscope::batch_norm_with_ranges or batch_norm_relu_with_ranges.
FusedRanges fuse_batch_norm(Graph& graph, Node* node, Node* relu, std::vector<Value*>& captured) {
  const c10::Symbol op = relu ? batch_norm_relu_with_ranges_symbol() : batch_norm_with_ranges_symbol();
  Node* fused = insert_fused(graph, op, node->inputs(), relu ? 4 : 3, node, node->output()->type());
  const size_t ranges_at = relu ? 2 : 1;
  redirect(node->output(), fused->output(0), captured);
  node->destroy();
  if (relu) {
    fused->output(1)->setType(relu->output()->type());
    redirect(relu->output(), fused->output(1), captured);
    relu->destroy();
  }
  return {fused->output(ranges_at), fused->output(ranges_at + 1)};
}

// A captured max pool becomes actscope::max_pool2d_with_range.
FusedRanges fuse_max_pool(Graph& graph, Node* node, std::vector<Value*>& captured) {
  Node* fused =
      insert_fused(graph, max_pool2d_with_range_symbol(), node->inputs(), 2, node, node->output()->type());
  redirect(node->output(), fused->output(0), captured);
  node->destroy();
  return {nullptr, fused->output(1)};
}

// A captured sum (`value`) and the ReLU that reads it become
// actscope::add_relu_with_range.
FusedRanges fuse_sum_and_relu(Graph& graph, const CapturedSum& sum, Value* value, Node* relu,
                              std::vector<Value*>& captured) {
  Value* keep_dtype;
  {
    torch::jit::WithInsertPoint insert(sum.add);
    keep_dtype = graph.insertConstant(sum.cast != nullptr);
  }
  Node* fused = insert_fused(graph, add_relu_with_range_symbol(),
                             {sum.add->input(0), sum.add->input(1), keep_dtype}, 3, sum.add, value->type());
  fused->output(1)->setType(relu->output()->type());
  redirect(value, fused->output(0), captured);
  redirect(relu->output(), fused->output(1), captured);
  relu->destroy();
  if (sum.cast) {
    Node* dtype = sum.cast->input(1)->node();
    sum.cast->destroy();
    if (!dtype->hasUses()) dtype->destroy();
  }
  // The sum before the cast may be a capture of its own (then a graph output).
  if (!sum.add->hasUses()) sum.add->destroy();
  return {nullptr, fused->output(2)};
}

// Fuses the ops that produce captures with the passes that read them:
// - each captured inference batch norm becomes
//   actscope::batch_norm_with_ranges, which also gives the [min, max] of its
//   input and output from the same pass (conv -> batch norm -> relu: the
//   three ranges for one read), or actscope::batch_norm_relu_with_ranges
//   when a ReLU reads it, which writes the ReLU's output in that pass too;
// - each captured max pool becomes actscope::max_pool2d_with_range
//   (unless `options` says otherwise);
// - each captured sum that a ReLU reads (a residual `out += identity`
//   followed by a ReLU) becomes actscope::add_relu_with_range.
// The ReLU's output is computed where its input is, which changes nothing:
// captured values are never written later (protect_from_inplace_writes).
// The captures must be graph outputs, so that nothing captured is removed.
// Returns the range tensor of each capture it covers, by capture index.
std::unordered_map<int, Value*> fuse_ranges_into_producers(Graph& graph, std::vector<Value*>& captured,
                                                           const std::vector<RangeSource>& sources,
                                                           const CaptureGraphOptions& options) {
  std::unordered_map<int, Value*> ranges;
  // By index: the fusions replace the captured values.
  auto captures_of = [&](const Value* value) {
    std::vector<int> indices;
    for (size_t i = 0; i < captured.size(); ++i) {
      if (captured[i] == value && sources[i].from < 0) indices.push_back(static_cast<int>(i));
    }
    return indices;
  };
  for (size_t i = 0; i < captured.size(); ++i) {
    if (sources[i].from >= 0 || ranges.count(static_cast<int>(i))) continue;
    Value* value = captured[i];
    Node* node = value->node();
    Node* relu = relu_reading(value, graph);
    const std::vector<int> output_captures = captures_of(value);
    FusedRanges fused;
    if (node->kind() == aten::batch_norm && node->inputs().size() == 9 && node->outputs().size() == 1) {
      const std::vector<int> input_captures = captures_of(node->input(0));  // the conv's output
      fused = fuse_batch_norm(graph, node, relu, captured);
      for (int index : input_captures) ranges.emplace(index, fused.input);
    } else if (options.own_max_pool && node->kind() == aten::max_pool2d && node->inputs().size() == 6 &&
               node->outputs().size() == 1) {
      fused = fuse_max_pool(graph, node, captured);
    } else if (const auto sum = captured_sum(value); sum && relu) {
      fused = fuse_sum_and_relu(graph, *sum, value, relu, captured);
    }
    if (fused.output) {
      for (int index : output_captures) ranges.emplace(index, fused.output);
    }
  }
  return ranges;
}

// Computes each captured value's [min, max] right after it is produced,
// while its memory is still in cache (measured: a separate pass over all
// layers after the run costs about twice as much), except for the ranges
// that `sources` derives. `fast` takes ranges from the fused ops
// (fuse_ranges_into_producers: one [min, max] tensor) and the others from
// aten::aminmax (two float outputs per capture), which throws for empty,
// complex or half tensors.
// Otherwise a small TorchScript helper handles every case and returns one
// [min, max] tensor per capture (about 3% slower on resnet18). `widths`
// receives, per capture, how many outputs hold its range (0: derived).
std::vector<Value*> insert_value_ranges(Graph& graph, std::vector<Value*>& captured,
                                        const std::vector<RangeSource>& sources, bool fast,
                                        const CaptureGraphOptions& options, std::vector<int>& widths) {
  auto range_graph = value_range_graph().copy();
  const std::unordered_map<int, Value*> fused =
      fast ? fuse_ranges_into_producers(graph, captured, sources, options)
           : std::unordered_map<int, Value*>{};
  std::vector<Value*> ranges;
  widths.assign(captured.size(), 0);
  for (size_t i = 0; i < captured.size(); ++i) {
    if (sources[i].from >= 0) continue;
    if (const auto range = fused.find(static_cast<int>(i)); range != fused.end()) {
      ranges.push_back(range->second);
      widths[i] = 1;
      continue;
    }
    Value* value = captured[i];
    Node* producer = value->node();
    Node* insert_before = producer->kind() == prim::Param ? graph.block()->nodes().front() : producer->next();
    torch::jit::WithInsertPoint insert(insert_before);
    if (fast) {
      Node* range = graph.insertNode(graph.create(
          aten::aminmax, {value, graph.insertConstant(c10::IValue()), graph.insertConstant(false)}, 2));
      for (Value* bound : range->outputs()) {
        bound->setType(c10::TensorType::get());
        ranges.push_back(bound);
      }
      widths[i] = 2;
    } else {
      ranges.push_back(torch::jit::insertGraph(graph, *range_graph, {value}).at(0));
      widths[i] = 1;
    }
  }
  return ranges;
}

// A map_summaries node right after the producer of each requested capture.
std::vector<Value*> insert_summaries(Graph& graph, const std::vector<Value*>& captured,
                                     const std::vector<SummaryRequest>& requests) {
  std::vector<Value*> summaries;
  for (const SummaryRequest& request : requests) {
    Value* value = captured.at(static_cast<size_t>(request.capture));
    Node* producer = value->node();
    Node* insert_before = producer->kind() == prim::Param ? graph.block()->nodes().front() : producer->next();
    torch::jit::WithInsertPoint insert(insert_before);
    const auto [low, high] = request.bounds.value_or(std::pair<float, float>{0.0f, 0.0f});
    Node* node = graph.insertNode(graph.create(
        map_summaries_symbol(),
        {value, graph.insertConstant(static_cast<double>(low)), graph.insertConstant(static_cast<double>(high)),
         graph.insertConstant(request.bounds.has_value())},
        1));
    node->output()->setType(c10::TensorType::get());
    summaries.push_back(node->output());
  }
  return summaries;
}

}  // namespace

// Ranges that follow from another capture's range: a capture that is a
// clamp (relu, relu6, hardtanh) of another capture has the clamped bounds,
// because a clamp is monotone. Saves a pass over the largest activations of
// conv-bn-relu networks (the relu after every BatchNorm).
std::vector<RangeSource> derive_ranges(const std::vector<Value*>& captured) {
  std::unordered_map<const Value*, int> index_of;
  for (size_t i = 0; i < captured.size(); ++i) index_of.emplace(captured[i], static_cast<int>(i));
  std::vector<RangeSource> sources(captured.size());
  for (size_t i = 0; i < captured.size(); ++i) {
    const Node* node = captured[i]->node();
    if (node->inputs().empty()) continue;
    const auto from = index_of.find(node->input(0));
    if (from == index_of.end() || sources[from->second].from >= 0) continue;
    RangeSource& source = sources[i];
    if (node->kind() == aten::relu) {
      source.low = 0;
    } else if (node->kind() == aten::relu6) {
      source.low = 0;
      source.high = 6;
    } else if (node->kind() == aten::hardtanh && node->inputs().size() == 3) {
      const auto low = torch::jit::toIValue(node->input(1));
      const auto high = torch::jit::toIValue(node->input(2));
      if (!low || !high || !low->isScalar() || !high->isScalar()) continue;
      source.low = static_cast<float>(low->toScalar().toDouble());
      source.high = static_cast<float>(high->toScalar().toDouble());
    } else {
      continue;
    }
    source.from = from->second;
  }
  return sources;
}

// Turns `graph`, whose outputs are (model output, captures...), into the
// function that also computes the ranges and returns one tuple.
std::unique_ptr<GraphFunction> finish_capture_function(const std::shared_ptr<Graph>& graph,
                                                       const std::vector<RangeSource>& sources, bool fast,
                                                       const CaptureGraphOptions& options,
                                                       std::vector<int>& widths,
                                                       const std::vector<SummaryRequest>& summaries) {
  // The model output and the captures stay graph outputs while the ranges
  // are inserted: the fusions replace values, and a value in use is neither
  // removed nor left behind.
  std::vector<Value*> captured(graph->outputs().begin() + 1, graph->outputs().end());
  const std::vector<Value*> ranges = insert_value_ranges(*graph, captured, sources, fast, options, widths);
  const std::vector<Value*> summary_values = insert_summaries(*graph, captured, summaries);
  std::vector<Value*> outputs(graph->outputs().begin(), graph->outputs().end());
  TORCH_INTERNAL_ASSERT(std::equal(captured.begin(), captured.end(), outputs.begin() + 1));
  while (!graph->outputs().empty()) graph->eraseOutput(0);
  outputs.insert(outputs.end(), ranges.begin(), ranges.end());
  outputs.insert(outputs.end(), summary_values.begin(), summary_values.end());
  // GraphFunction wants a single output: (model output, captures..., ranges...).
  graph->registerOutput(graph->insertNode(graph->createTuple(outputs))->output());
  return std::make_unique<GraphFunction>("actscope_capture", graph, nullptr,
                                         torch::jit::ExecutorExecutionMode::SIMPLE);
}

}  // namespace actscope
