#include "core/capture/field_walk.h"

#include <unordered_map>
#include <unordered_set>

#include "core/capture/field_rules.h"
#include "core/capture/graph_facts.h"
#include "core/capture/jit_ir.h"

namespace actscope {
namespace {

using Kind = Field::Kind;

bool is_tensor(const Value* value) { return value->type()->kind() == c10::TypeKind::TensorType; }

bool is_container(const Value* value) {
  const auto kind = value->type()->kind();
  return kind == c10::TypeKind::ListType || kind == c10::TypeKind::TupleType;
}

// A block that raises never returns its outputs.
bool raises(const Block* block) {
  for (const Node* node : block->nodes()) {
    if (node->kind() == prim::RaiseException) return true;
  }
  return false;
}

// The fields of the tensors in a list or tuple.
struct Elements {
  std::vector<Field> items;
  bool homogeneous = false;  // every element has items[0]'s field; the count is not known
};

class FieldWalk {
 public:
  FieldWalk(const GraphFacts& facts, const std::vector<const Value*>& captures)
      : facts_(facts), captures_(captures.begin(), captures.end()) {}

  void run(const Graph& graph) {
    const Value* input = graph.inputs().at(1);
    const std::vector<int64_t>* sizes = facts_.sizes(input);
    fields_[input] = sizes && sizes->size() == 4 ? Field::identity((*sizes)[2], (*sizes)[3])
                                                 : Field::unknown("the model's input is not [N, C, H, W]");
    snapshot(input);
    walk(graph.block());
  }

  // A capture's field where it is produced (later in-place writes do not
  // reach captures: the rewrite protects them).
  Field captured(const Value* value) const {
    auto it = snapshots_.find(value);
    return it == snapshots_.end() ? field_of(value) : it->second;
  }

 private:
  Field field_of(const Value* value) const {
    auto it = fields_.find(value);
    return it == fields_.end() ? Field() : it->second;
  }

  void snapshot(const Value* value) {
    if (captures_.count(value)) snapshots_[value] = field_of(value);
  }

  void walk(const Block* block) {
    for (const Node* node : block->nodes()) {
      visit(node);
      for (const Value* output : node->outputs()) snapshot(output);
    }
  }

  void visit(const Node* node) {
    const auto kind = node->kind();
    if (kind == prim::If) return visit_if(node);
    if (kind == prim::Loop) return visit_loop(node);
    if (kind == prim::ListConstruct || kind == prim::TupleConstruct) return construct(node);
    if (kind == prim::ListUnpack || kind == prim::TupleUnpack) return unpack(node);
    if (kind == prim::TupleIndex || kind == aten::__getitem__) return index(node);
    if (kind == aten::append) return append(node);
    if (kind == aten::cat || kind == aten::stack || kind == aten::concat) return concatenate(node);
    if (kind == aten::chunk || kind == aten::split || kind == aten::unbind || kind == aten::split_with_sizes ||
        kind == aten::tensor_split || kind == aten::unsafe_chunk) {
      return split(node);
    }
    if (kind == prim::unchecked_cast) {
      fields_[node->output()] = field_of(node->input());
      return;
    }
    visit_op(node);
  }

  void visit_op(const Node* node) {
    std::vector<Field> inputs;
    for (const Value* input : node->inputs()) inputs.push_back(input_field(input));
    bool tensor_output = false;
    for (const Value* output : node->outputs()) tensor_output = tensor_output || is_tensor(output);
    if (!tensor_output) return;  // sizes, dims, ints
    const Field before = inputs.empty() ? Field() : inputs[0];
    const Field output = apply_op(node, inputs, facts_);
    for (const Value* value : node->outputs()) {
      if (is_tensor(value)) fields_[value] = output;
    }
    if (is_inplace(node)) write(node->input(0), before, output, base_op_name(node));
    if (may_alias_input(node) && !node->inputs().empty() && is_tensor(node->input(0))) {
      for (const Value* value : node->outputs()) {
        if (is_tensor(value)) join_aliases(node->input(0), value);
      }
    }
  }

  // A tensor's field; a list of tensors counts as the union of its elements.
  Field input_field(const Value* input) const {
    if (is_tensor(input)) return field_of(input);
    if (!is_container(input)) return Field();
    auto it = elements_.find(input);
    if (it == elements_.end()) {
      return input->type()->containedTypes().empty() || !input->type()->containedType(0)->cast<c10::TensorType>()
                 ? Field()
                 : Field::unknown("a list of tensors built at run time");
    }
    return merge_paths(it->second.items, std::string(input->node()->kind().toUnqualString()));
  }

  // An in-place write: `target` and the values that share its memory now
  // hold what the op computed. A view whose field differed from the
  // target's cannot follow.
  void write(const Value* target, const Field& before, const Field& after, const std::string& op) {
    const Value* root = root_of(target);
    std::vector<const Value*> members = aliases_[root];
    members.push_back(root);
    for (const Value* member : members) {
      Field& field = fields_[member];
      if (member == target || field.same_as(before)) {
        field = after;
      } else if (field.kind != Kind::kGlobal || after.kind == Kind::kUnknown) {
        field = Field::unknown(op + " writes in place into a view of this value");
      }
      if (branch_depth_ > 0) written_in_branch_.insert(member);
    }
    fields_[target] = after;
  }

  const Value* root_of(const Value* value) const {
    auto it = alias_root_.find(value);
    return it == alias_root_.end() ? value : it->second;
  }

  void join_aliases(const Value* base, const Value* view) {
    const Value* root = root_of(base);
    if (view == root) return;
    alias_root_[view] = root;
    aliases_[root].push_back(view);
  }

  void visit_if(const Node* node) {
    std::vector<const Block*> returning;
    if (const auto condition = facts_.integer(node->input(0))) {
      // Decided by the measured run (a shape check, an optional argument):
      // only the branch it took counts.
      const Block* taken = node->blocks().at(*condition != 0 ? 0 : 1);
      walk(taken);
      returning.push_back(taken);
    } else {
      auto written = walk_branches(node);
      for (const Block* block : node->blocks()) {
        if (!raises(block)) returning.push_back(block);
      }
      if (returning.size() > 1) {
        for (const Value* value : written) {
          fields_[value] = Field::unknown("changed in place inside an if decided at run time");
        }
      }
    }
    for (size_t i = 0; i < node->outputs().size(); ++i) {
      const Value* output = node->outputs()[i];
      std::vector<Field> branches;
      for (const Block* block : returning) branches.push_back(input_field(block->outputs()[i]));
      if (returning.size() == 1 && elements_.count(returning[0]->outputs()[i])) {
        elements_[output] = elements_.at(returning[0]->outputs()[i]);
      }
      if (branches.empty() || (!is_tensor(output) && !is_container(output))) continue;
      bool same = true;
      for (const Field& branch : branches) same = same && branch.same_as(branches[0]);
      if (same) {
        fields_[output] = branches[0];
        continue;
      }
      // Name what a branch could not follow: that is what the user can change.
      std::string why = "chosen at run time by an if in forward()";
      for (const Field& branch : branches) {
        if (branch.kind == Kind::kUnknown) {
          why += " whose branches include: " + branch.reason;
          break;
        }
      }
      fields_[output] = Field::unknown(why);
    }
  }

  // Walks the blocks of an if or a loop; returns the outer values they write.
  std::unordered_set<const Value*> walk_branches(const Node* node) {
    std::unordered_set<const Value*> inside;
    inside.swap(written_in_branch_);  // `inside` holds the enclosing block's writes meanwhile
    ++branch_depth_;
    for (const Block* block : node->blocks()) walk(block);
    --branch_depth_;
    inside.swap(written_in_branch_);
    written_in_branch_.insert(inside.begin(), inside.end());  // enclosing branches wrote them too
    return inside;
  }

  void visit_loop(const Node* node) {
    const Field looped = Field::unknown("computed in a loop");
    const Block* body = node->blocks().at(0);
    for (size_t i = 1; i < body->inputs().size(); ++i) {
      if (is_tensor(body->inputs()[i])) fields_[body->inputs()[i]] = looped;
    }
    for (const Value* value : walk_branches(node)) fields_[value] = looped;
    for (const Value* output : node->outputs()) {
      if (is_tensor(output)) fields_[output] = looped;
    }
  }

  void construct(const Node* node) {
    Elements elements;
    for (const Value* input : node->inputs()) elements.items.push_back(input_field(input));
    elements_[node->output()] = std::move(elements);
  }

  const Elements* elements_of(const Value* value) const {
    auto it = elements_.find(value);
    return it == elements_.end() ? nullptr : &it->second;
  }

  Field element(const Elements* elements, int64_t index, const Value* output) const {
    if (!is_tensor(output)) return Field();
    if (!elements || elements->items.empty()) return Field::unknown("taken from a list built at run time");
    if (elements->homogeneous) return elements->items[0];
    const int64_t count = static_cast<int64_t>(elements->items.size());
    if (index < 0) index += count;
    if (index < 0 || index >= count) return Field::unknown("taken from a list built at run time");
    return elements->items[index];
  }

  void unpack(const Node* node) {
    const Elements* elements = elements_of(node->input(0));
    for (size_t i = 0; i < node->outputs().size(); ++i) {
      fields_[node->outputs()[i]] = element(elements, static_cast<int64_t>(i), node->outputs()[i]);
    }
  }

  void index(const Node* node) {
    const auto position = facts_.integer(node->input(1));
    const Elements* elements = position ? elements_of(node->input(0)) : nullptr;
    fields_[node->output()] = element(elements, position.value_or(0), node->output());
  }

  void append(const Node* node) {
    auto it = elements_.find(node->input(0));
    if (it != elements_.end() && !it->second.homogeneous) it->second.items.push_back(input_field(node->input(1)));
  }

  // cat joins maps along channels (a union of their fields); stack adds a dimension.
  void concatenate(const Node* node) {
    const std::string op = node->kind().toUnqualString();
    const Elements* elements = elements_of(node->input(0));
    const std::vector<int64_t>* out = facts_.sizes(node->output());
    const auto dim = facts_.integer(node->input(1));
    if (!elements || !out || !dim) {
      fields_[node->output()] = Field::unknown(op + " of a list or dimension known only at run time");
      return;
    }
    const int64_t at = normalized_dim(*dim, static_cast<int64_t>(out->size()));
    std::vector<Field> paths = elements->items;
    for (Field& path : paths) {
      if (path.kind != Kind::kSpatial) continue;
      if (node->kind() == aten::stack) {
        for (int& axis : path.dims) axis += axis >= at ? 1 : 0;
      } else if (path.dims[0] == at || path.dims[1] == at) {
        path = Field::unknown(op + " joins maps along their rows or columns");
      }
    }
    fields_[node->output()] = merge_paths(paths, op);
  }

  // chunk, split, unbind: along channels, every piece keeps the field.
  void split(const Node* node) {
    Field piece = field_of(node->input(0));
    const auto dim = facts_.integer(argument(node, "dim"));
    const int64_t rank = rank_of(node->input(0), facts_);
    if (piece.kind == Kind::kSpatial) {
      const int64_t at = dim && rank >= 0 ? normalized_dim(*dim, rank) : -1;
      if (at < 0 || piece.dims[0] == at || piece.dims[1] == at) {
        piece = Field::unknown(std::string(node->kind().toUnqualString()) + " cuts the map along its rows or columns");
      } else if (node->kind() == aten::unbind) {
        for (int& axis : piece.dims) axis -= axis > at ? 1 : 0;
      }
    }
    for (const Value* output : node->outputs()) {
      if (is_tensor(output)) fields_[output] = piece;
      if (is_container(output)) elements_[output] = Elements{{piece}, true};
    }
  }

  const GraphFacts& facts_;
  std::unordered_set<const Value*> captures_;
  std::unordered_map<const Value*, Field> fields_;
  std::unordered_map<const Value*, Field> snapshots_;
  std::unordered_map<const Value*, Elements> elements_;
  std::unordered_map<const Value*, const Value*> alias_root_;
  std::unordered_map<const Value*, std::vector<const Value*>> aliases_;
  std::unordered_set<const Value*> written_in_branch_;
  int branch_depth_ = 0;
};

}  // namespace

std::vector<ReceptiveField> capture_receptive_fields(const CaptureGraph& graph, const torch::jit::Module& module,
                                                     const std::vector<int64_t>& input_shape) {
  const Graph& base = graph.base_graph();
  const GraphFacts facts = GraphFacts::measure(base, module, torch::zeros(input_shape));
  // The base graph's outputs are (model output, captures...).
  const std::vector<const Value*> captures(base.outputs().begin() + 1, base.outputs().end());
  FieldWalk walk(facts, captures);
  walk.run(base);
  std::vector<ReceptiveField> fields;
  fields.reserve(captures.size());
  for (const Value* capture : captures) fields.push_back(walk.captured(capture).to_receptive_field());
  return fields;
}

}  // namespace actscope
