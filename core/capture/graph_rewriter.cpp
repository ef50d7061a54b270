#include "core/capture/graph_rewriter.h"

#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <unordered_map>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/constants.h>

#include "core/capture/jit_ir.h"

namespace actscope {
namespace {

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

  std::vector<RecordedPoint>& recorded() { return recorded_; }
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
      RecordedPoint& call = recorded_[open.back().point];
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
  std::vector<RecordedPoint> recorded_;
  long next_order_ = 0;
  bool has_module_calls_ = false;
};

}  // namespace

InlinedForward inline_forward(const torch::jit::Module& root,
                              const std::shared_ptr<torch::jit::Graph>& graph) {
  Rewriter rewriter(root, graph);
  rewriter.run();
  return {std::move(rewriter.recorded()), rewriter.has_module_calls()};
}

}  // namespace actscope
