#include "core/capture_graph.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_map>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/alias_analysis.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/jit.h>

#include "core/fused_ranges.h"

namespace actscope {
namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::GraphFunction;
using torch::jit::Node;
using torch::jit::Value;
namespace attr = c10::attr;
namespace prim = c10::prim;
namespace aten = c10::aten;

// Functional ops worth showing when they appear in the model's own code.
// Ops inside torch.nn's own modules (Conv2d's conv2d) are that module's output.
const std::set<std::string>& listed_ops() {
  static const std::set<std::string> ops = {"relu",
                                            "relu6",
                                            "leaky_relu",
                                            "hardtanh",
                                            "elu",
                                            "gelu",
                                            "silu",
                                            "sigmoid",
                                            "tanh",
                                            "hardswish",
                                            "hardsigmoid",
                                            "softmax",
                                            "log_softmax",
                                            "max_pool2d",
                                            "avg_pool2d",
                                            "adaptive_avg_pool2d",
                                            "adaptive_max_pool2d",
                                            "add",
                                            "sub",
                                            "mul",
                                            "div",
                                            "cat",
                                            "flatten",
                                            "mean",
                                            "conv2d",
                                            "linear",
                                            "batch_norm",
                                            "dropout",
                                            "matmul",
                                            "upsample_bilinear2d",
                                            "upsample_nearest2d",
                                            "interpolate"};
  return ops;
}

// "add_" -> "add": an in-place op shows under its functional name.
std::string op_name(const Node* node) {
  std::string name = node->kind().toUnqualString();
  if (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

// Scripted calls of a module's forward are named "forward" ("forward__0"...
// for overloads, as in torchvision's DenseNet); traced code has one method
// per call site: "forward", "forward1", "forward2"...
bool is_forward_method(const std::string& name) {
  static const std::regex forward("forward([0-9]+|__[0-9]+)?");
  return std::regex_match(name, forward);
}

std::string join_path(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}

std::string parent_path(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

// torch.nn's own modules: their internal ops are not listed separately.
bool is_torch_nn_module(const c10::ClassTypePtr& type) {
  return type->name() && type->name()->qualifiedName().find("torch.nn.modules.") != std::string::npos;
}

struct OpenCall {
  Node* after;  // the node that follows the inlined body
  int point;    // index of the module point that completes there
};

// Inlines every call of a copy of forward, top-down, and records capture points.
class Rewriter {
 public:
  Rewriter(const torch::jit::Module& root, std::shared_ptr<Graph> graph)
      : root_(root), graph_(std::move(graph)) {
    Value* self = graph_->inputs().at(0);
    module_paths_[self] = "";
    collect_assigned_attributes(root_);
  }

  void run() { visit_block(graph_->block(), ""); }

  struct Recorded {
    CapturePoint point;
    Value* value;
    long order;
    Node* call_end = nullptr;  // for module calls: a marker where the call returns
  };
  std::vector<Recorded>& recorded() { return recorded_; }
  bool has_module_calls() const { return has_module_calls_; }

 private:
  void visit_block(Block* block, const std::string& scope) {
    std::vector<OpenCall> open;
    for (Node* node = block->nodes().front(); node != block->return_node();) {
      close_calls_ending_at(node, open);
      node = visit_node(node, node_scope(node, scope), open);
    }
    close_calls_ending_at(block->return_node(), open);
  }

  // Closes the calls whose inlined body ends before `node`, leaving a marker
  // (an unused constant, removed later) where each call returns.
  void close_calls_ending_at(Node* node, std::vector<OpenCall>& open) {
    while (!open.empty() && open.back().after == node) {
      Recorded& call = recorded_[open.back().point];
      call.order = next_order_++;
      call.call_end = graph_->create(prim::Constant);
      call.call_end->i_(attr::value, 0);
      call.call_end->output()->setType(c10::IntType::get());
      call.call_end->insertBefore(node);
      open.pop_back();
    }
  }

  std::string node_scope(Node* node, const std::string& fallback) {
    auto it = node_scopes_.find(node);
    return it == node_scopes_.end() ? fallback : it->second;
  }

  // Processes one node and returns the next node to visit.
  Node* visit_node(Node* node, const std::string& scope, std::vector<OpenCall>& open) {
    if (node->kind() == prim::GetAttr) {
      record_module_path(node);
    } else if (node->kind() == prim::CallMethod) {
      if (Node* next = inline_method_call(node, scope, open)) return next;
    } else if (node->kind() == prim::CallFunction) {
      if (Node* next = inline_function_call(node, scope)) return next;
    } else if (node->kind() == prim::If) {
      if (Node* next = fold_if(node)) return next;
    } else if (node->kind().is_aten() && listed_ops().count(op_name(node)) && !leaf_scopes_.count(scope) &&
               node->outputs().size() == 1 && node->output()->type()->isSubtypeOf(*c10::TensorType::get())) {
      record_op(node, scope);
    }
    for (Block* sub_block : node->blocks()) visit_block(sub_block, scope);
    return node->next();
  }

  void record_module_path(Node* node) {
    auto parent = module_paths_.find(node->input(0));
    auto type = node->output()->type()->cast<c10::ClassType>();
    if (parent != module_paths_.end() && type && type->is_module()) {
      module_paths_[node->output()] = join_path(parent->second, node->s(attr::name));
    }
  }

  struct Inlined {
    Node* first;                  // the first inserted node, or the node after the call
    std::vector<Value*> outputs;  // the values that replaced the call's outputs
  };

  // Inlines `node`'s callee in its place, tags the inserted nodes with
  // `scope` and keeps recorded values pointing at live values.
  Inlined inline_in_place(Node* node, GraphFunction& callee, const std::string& scope) {
    Node* before = node->prev();
    Node* after = node->next();
    std::vector<Value*> old_outputs(node->outputs().begin(), node->outputs().end());
    std::vector<Value*> new_outputs = torch::jit::inlineCallTo(node, &callee, /*use_graph=*/false);
    for (size_t i = 0; i < old_outputs.size(); ++i) replace_recorded(old_outputs[i], new_outputs.at(i));
    for (Node* inserted = before->next(); inserted != after; inserted = inserted->next()) {
      tag_scope(inserted, scope);
    }
    return {before->next(), std::move(new_outputs)};
  }

  void tag_scope(Node* node, const std::string& scope) {
    node_scopes_[node] = scope;
    for (Block* block : node->blocks()) {
      for (Node* inner : block->nodes()) tag_scope(inner, scope);
    }
  }

  void replace_recorded(Value* old_value, Value* new_value) {
    for (auto& recorded : recorded_) {
      if (recorded.value == old_value) recorded.value = new_value;
    }
  }

  Node* inline_method_call(Node* node, const std::string& scope, std::vector<OpenCall>& open) {
    Value* self = node->input(0);
    auto type = self->type()->cast<c10::ClassType>();
    if (!type) return nullptr;  // interface calls cannot be resolved statically
    auto& callee = torch::jit::toGraphFunction(type->getMethod(node->s(attr::name)));
    auto path = module_paths_.find(self);
    const bool boundary =
        type->is_module() && is_forward_method(node->s(attr::name)) && path != module_paths_.end();
    if (!boundary) return inline_in_place(node, callee, scope).first;

    has_module_calls_ = true;
    const std::string module_path = path->second;
    if (is_torch_nn_module(type)) leaf_scopes_.insert(module_path);
    const int call = ++call_counts_[module_path];
    CapturePoint point;
    point.name = call == 1 ? module_path : module_path + "#" + std::to_string(call);
    point.kind = type->name() ? type->name()->name() : "Module";
    point.parent = parent_path(module_path);
    point.module_path = module_path;
    point.is_module = true;
    Node* after = node->next();
    Inlined inlined = inline_in_place(node, callee, module_path);
    Value* output = inlined.outputs.empty() ? nullptr : inlined.outputs[0];
    recorded_.push_back({std::move(point), output, -1});
    open.push_back({after, static_cast<int>(recorded_.size()) - 1});
    return inlined.first;
  }

  Node* inline_function_call(Node* node, const std::string& scope) {
    auto function_type = node->input(0)->type()->cast<c10::FunctionType>();
    if (!function_type) return nullptr;
    auto& callee = torch::jit::toGraphFunction(*function_type->function());
    node->removeInput(0);
    return inline_in_place(node, callee, scope).first;
  }

  // A condition whose value is known before running: a constant bool; a bool
  // attribute of a module (torchvision's `if self.use_res_connect:`, and
  // `self.training`, false after eval()); a comparison of known numbers
  // (ShuffleNet's `if self.stride == 1:`); `x is None` on a value typed None
  // (a functional argument left at its None default); `not` of those.
  std::optional<bool> known_condition(const Value* condition) const {
    const Node* node = condition->node();
    if (auto value = known_scalar(condition); value && value->isBool()) return value->toBool();
    auto none = [](const Value* v) { return v->type()->kind() == c10::TypeKind::NoneType; };
    if ((node->kind() == aten::__is__ || node->kind() == aten::__isnot__) && node->inputs().size() == 2 &&
        none(node->input(0)) && none(node->input(1))) {
      return node->kind() == aten::__is__;
    }
    if (node->kind() == aten::__not__) {
      if (auto inner = known_condition(node->input(0))) return !*inner;
    }
    return known_comparison(node);
  }

  // `a == b`, `a < b`, ... of two known ints, floats or bools.
  std::optional<bool> known_comparison(const Node* node) const {
    static const std::map<c10::Symbol, std::function<bool(double, double)>> comparisons = {
        {aten::eq, std::equal_to<>()}, {aten::ne, std::not_equal_to<>()},
        {aten::lt, std::less<>()},     {aten::le, std::less_equal<>()},
        {aten::gt, std::greater<>()},  {aten::ge, std::greater_equal<>()}};
    auto compare = comparisons.find(node->kind());
    if (compare == comparisons.end() || node->inputs().size() != 2) return std::nullopt;
    auto a = known_scalar(node->input(0));
    auto b = known_scalar(node->input(1));
    auto number = [](const c10::IValue& v) -> std::optional<double> {
      if (v.isInt()) return static_cast<double>(v.toInt());
      if (v.isDouble()) return v.toDouble();
      if (v.isBool()) return v.toBool() ? 1.0 : 0.0;
      return std::nullopt;
    };
    if (!a || !b || !number(*a) || !number(*b)) return std::nullopt;
    return compare->second(*number(*a), *number(*b));
  }

  // The value of a constant, or of a module's int/float/bool attribute that
  // no method assigns.
  std::optional<c10::IValue> known_scalar(const Value* value) const {
    const Node* node = value->node();
    if (node->kind() == prim::Constant) {
      auto constant = torch::jit::toIValue(value);
      if (constant && (constant->isBool() || constant->isInt() || constant->isDouble())) return constant;
      return std::nullopt;
    }
    if (node->kind() != prim::GetAttr) return std::nullopt;
    auto path = module_paths_.find(node->input(0));
    const std::string name = node->s(attr::name);
    if (path == module_paths_.end() || assigned_attributes_.count(name)) return std::nullopt;
    const torch::jit::Module module = submodule(root_, path->second);
    if (!module.hasattr(name)) return std::nullopt;
    const c10::IValue attribute = module.attr(name);
    if (attribute.isBool() || attribute.isInt() || attribute.isDouble()) return attribute;
    return std::nullopt;
  }

  // Replaces an `if` whose condition is known by the branch taken, so the
  // values inside become capturable. Returns the node to visit next, or
  // nullptr when the condition is not known.
  Node* fold_if(Node* node) {
    auto taken = known_condition(node->input(0));
    if (!taken) return nullptr;
    Block* branch = node->blocks().at(*taken ? 0 : 1);
    Node* next = node->next();
    Node* first_moved = nullptr;
    for (auto it = branch->nodes().begin(); it != branch->nodes().end();) {
      Node* moved = *it++;
      moved->moveBefore(node);
      if (!first_moved) first_moved = moved;
    }
    for (size_t i = 0; i < node->outputs().size(); ++i) {
      Value* replacement = branch->outputs().at(i);
      replace_recorded(node->output(i), replacement);
      node->output(i)->replaceAllUsesWith(replacement);
    }
    node->destroy();
    return first_moved ? first_moved : next;
  }

  void record_op(Node* node, const std::string& scope) {
    const std::string op = op_name(node);
    const int count = ++op_counts_[scope + ":" + op];
    CapturePoint point;
    point.name = scope + ":" + op + (count == 1 ? "" : "#" + std::to_string(count));
    point.kind = op;
    point.parent = scope;
    recorded_.push_back({std::move(point), node->output(), next_order_++});
  }

  // Attributes some method assigns (prim::SetAttr): their values are not
  // known before running, so ifs on them are never folded.
  void collect_assigned_attributes(const torch::jit::Module& module) {
    for (const auto& method : module.get_methods()) {
      auto* function = torch::jit::tryToGraphFunction(method.function());
      if (!function) continue;
      std::vector<Block*> blocks{function->graph()->block()};
      while (!blocks.empty()) {
        Block* block = blocks.back();
        blocks.pop_back();
        for (Node* node : block->nodes()) {
          if (node->kind() == prim::SetAttr) assigned_attributes_.insert(node->s(attr::name));
          for (Block* inner : node->blocks()) blocks.push_back(inner);
        }
      }
    }
    for (const auto& child : module.children()) collect_assigned_attributes(child);
  }

  torch::jit::Module root_;
  std::shared_ptr<Graph> graph_;
  std::set<std::string> assigned_attributes_;
  std::unordered_map<Value*, std::string> module_paths_;
  std::unordered_map<Node*, std::string> node_scopes_;
  std::set<std::string> leaf_scopes_;
  std::map<std::string, int> call_counts_;
  std::map<std::string, int> op_counts_;
  std::vector<Recorded> recorded_;
  long next_order_ = 0;
  bool has_module_calls_ = false;
};

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

// Turns `graph`, whose outputs are (model output, captures...), into the
// function that also computes the ranges and returns one tuple.
std::unique_ptr<GraphFunction> finish_capture_function(const std::shared_ptr<Graph>& graph,
                                                       const std::vector<RangeSource>& sources, bool fast,
                                                       const CaptureGraphOptions& options,
                                                       std::vector<int>& widths) {
  // The model output and the captures stay graph outputs while the ranges
  // are inserted: the fusions replace values, and a value in use is neither
  // removed nor left behind.
  std::vector<Value*> captured(graph->outputs().begin() + 1, graph->outputs().end());
  const std::vector<Value*> ranges = insert_value_ranges(*graph, captured, sources, fast, options, widths);
  std::vector<Value*> outputs(graph->outputs().begin(), graph->outputs().end());
  TORCH_INTERNAL_ASSERT(std::equal(captured.begin(), captured.end(), outputs.begin() + 1));
  while (!graph->outputs().empty()) graph->eraseOutput(0);
  outputs.insert(outputs.end(), ranges.begin(), ranges.end());
  // GraphFunction wants a single output: (model output, captures..., ranges...).
  graph->registerOutput(graph->insertNode(graph->createTuple(outputs))->output());
  return std::make_unique<GraphFunction>("actscope_capture", graph, nullptr,
                                         torch::jit::ExecutorExecutionMode::SIMPLE);
}

// A module output is what the module returned, as a forward hook sees it.
// When the module itself mutates the value before returning (`x.relu_();
// return x`, or an Identity after an in-place op), the capture is a copy
// taken where the call returns. Removes the call-end markers.
void capture_at_call_end(const std::shared_ptr<Graph>& graph_ptr, std::vector<Rewriter::Recorded>& recorded) {
  Graph& graph = *graph_ptr;
  const torch::jit::AliasDb alias_db(graph_ptr);
  std::vector<std::pair<Rewriter::Recorded*, Node*>> copies;
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
  for (auto part = parts.rbegin(); part != parts.rend(); ++part) path = join_path(path, *part);
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

// Looks for `linear(flatten(global_average_pool(A)))` at the end of forward
// (dropout, flatten, view, reshape and squeeze may sit between pool and
// linear). Sets `notice` when forward ends otherwise.
std::optional<GapLinearHead> find_gap_linear_head(const Graph& graph, const torch::jit::Module& module,
                                                  const std::vector<Value*>& captured, std::string& notice) {
  const Value* value = graph.outputs().at(0);
  if (value->node()->kind() == prim::TupleConstruct) value = value->node()->input(0);
  const Node* linear = value->node();
  if (linear->kind() != aten::linear) {
    notice = "forward() does not end in a linear layer (its last op is " +
             std::string(linear->kind().toUnqualString()) + ")";
    return std::nullopt;
  }
  torch::Tensor weight;
  const Value* weight_value = linear->input(1);
  if (auto constant = torch::jit::toIValue(weight_value); constant && constant->isTensor()) {
    weight = constant->toTensor();
  } else if (weight_value->node()->kind() == prim::GetAttr) {
    const auto path = module_path_of(weight_value->node()->input(0), graph);
    if (!path) {
      notice = "the weights of the final linear layer could not be found";
      return std::nullopt;
    }
    weight = submodule(module, *path).attr(weight_value->node()->s(attr::name)).toTensor();
  } else {
    notice = "the final linear layer's weight is computed in forward(), not a parameter";
    return std::nullopt;
  }
  static const std::set<c10::Symbol> pass_through = {
      aten::flatten,         aten::view,          aten::reshape,   aten::squeeze, aten::dropout,
      aten::feature_dropout, aten::alpha_dropout, aten::contiguous};
  const Value* pooled = linear->input(0);
  while (pass_through.count(pooled->node()->kind())) pooled = pooled->node()->input(0);
  const Node* pool = pooled->node();
  bool global = false;
  if (pool->kind() == aten::adaptive_avg_pool2d) {
    // Output size 1x1 (scripted code may compute the size: then the weight's
    // width is checked against the maps' channels when the CAM runs).
    const auto size = constant_ints(pool->input(1));
    global = !size || *size == std::vector<int64_t>{1, 1} || *size == std::vector<int64_t>{1};
  }
  if (pool->kind() == aten::mean && pool->inputs().size() >= 2) {
    // mean over the last two dimensions: (2, 3) or (-1, -2)
    if (auto dims = constant_ints(pool->input(1))) {
      std::set<int64_t> wanted;
      for (int64_t dim : *dims) wanted.insert(dim < 0 ? dim + 4 : dim);
      global = wanted == std::set<int64_t>{2, 3};
    }
  }
  if (!global || weight.dim() != 2) {
    notice = "the final linear layer does not read a global average pool (it reads " +
             std::string(pool->kind().toUnqualString()) + ")";
    return std::nullopt;
  }
  // The pooled value is a capture, or a clone that protects one.
  const Value* feature = pool->input(0);
  for (int pass = 0; pass < 2; ++pass) {
    const auto it = std::find(captured.begin(), captured.end(), feature);
    if (it != captured.end()) return GapLinearHead{static_cast<int>(it - captured.begin()), weight};
    if (feature->node()->kind() != aten::clone) break;
    feature = feature->node()->input(0);
  }
  notice = "the tensor the global average pool reads is not a capturable layer";
  return std::nullopt;
}

}  // namespace

torch::jit::Module submodule(const torch::jit::Module& root, const std::string& path) {
  torch::jit::Module module = root;
  std::istringstream parts(path);
  for (std::string part; std::getline(parts, part, '.');) module = module.attr(part).toModule();
  return module;
}

CaptureGraph::CaptureGraph(const torch::jit::Module& module, const CaptureGraphOptions& options) {
  auto& forward = torch::jit::toGraphFunction(module.get_method("forward").function());
  auto graph = forward.graph()->copy();
  Rewriter rewriter(module, graph);
  rewriter.run();
  has_module_calls_ = rewriter.has_module_calls();

  auto& recorded = rewriter.recorded();
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
  try {
    head_ = find_gap_linear_head(*graph, module, captured, head_notice_);
  } catch (const std::exception& e) {
    head_notice_ = std::string("the final linear layer could not be read (") + e.what() + ")";
  }
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

CaptureGraph::Output CaptureGraph::run_function(GraphFunction& function, bool fast,
                                                const torch::jit::Module& module,
                                                const torch::Tensor& input) const {
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

namespace actscope {

CaptureGraph::GradientOutput CaptureGraph::run_with_leaves(const torch::jit::Module& module,
                                                           const torch::Tensor& input,
                                                           const std::vector<int>& captures) const {
  GraphFunction* function = nullptr;
  {
    std::lock_guard<std::mutex> lock(leaf_functions_mutex_);
    auto& slot = leaf_functions_[captures];
    if (!slot) {
      auto graph = base_graph_->copy();
      // Each requested capture is replaced, where it is produced, by itself
      // when autograd already records it (an earlier leaf feeds it, also
      // through in-place writes), else by a leaf that requires grad: a leaf
      // there would cut the path from the earlier one.
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
      std::vector<Value*> leaves;
      for (Value* value : targets) leaves.push_back(leaf_of.at(value));
      std::vector<Value*> outputs{graph->outputs().at(0)};
      outputs.insert(outputs.end(), leaves.begin(), leaves.end());
      while (!graph->outputs().empty()) graph->eraseOutput(0);
      graph->registerOutput(graph->insertNode(graph->createTuple(outputs))->output());
      torch::jit::EliminateDeadCode(graph);
      slot = std::make_unique<GraphFunction>("actscope_gradient", graph, nullptr,
                                             torch::jit::ExecutorExecutionMode::SIMPLE);
    }
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
  output.model_output = elements.at(0);
  for (size_t i = 1; i < elements.size(); ++i) output.leaves.push_back(elements[i].toTensor());
  return output;
}

}  // namespace actscope
