// The receptive field rules of the ops that work position by position
// (element-wise ops, normalizations, reductions over channels), move or
// regroup dimensions (views, transposes, slices), or pool globally; the
// window ops are in field_windows.cpp. Each rule sees at least one spatial
// input: apply_op settles unknown, input-independent and global inputs first.
#include "core/capture/field_rules.h"

#include <algorithm>
#include <map>
#include <set>

#include <torch/csrc/jit/ir/ir.h>

namespace actscope {
namespace {

using Kind = Field::Kind;

// Which inputs carry the fields that reach the output.
enum class Reads {
  kAll,        // every tensor input (element-wise ops)
  kFirst,      // the first; the others are weights that must not depend on the input
  kFirstOnly,  // the first; the others only lend a shape or dtype (view_as, to)
};

struct OpContext {
  const Node* node;
  const std::vector<Field>& inputs;
  const GraphFacts& facts;
  std::string op;
};

using RuleFunction = Field (*)(const OpContext&);

struct Rule {
  Reads reads;
  RuleFunction apply;
};

int64_t integer_argument(const OpContext& c, const char* name, int64_t fallback) {
  const Value* value = argument(c.node, name);
  if (!value || value->type()->kind() == c10::TypeKind::NoneType) return fallback;
  return c.facts.integer(value).value_or(fallback);
}

bool is_spatial_dim(const Field& field, int64_t dim) { return field.dims[0] == dim || field.dims[1] == dim; }

// Element-wise ops broadcast their inputs (aligned at the last dimension):
// a map's rows and columns must keep their size in the output.
Field elementwise(const OpContext& c) {
  const std::vector<int64_t>* out = c.facts.sizes(c.node->output(0));
  std::vector<Field> paths;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    Field path = c.inputs[i];
    if (path.kind == Kind::kSpatial) {
      const std::vector<int64_t>* in = c.facts.sizes(c.node->input(i));
      if (!in || !out) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
      const int shift = static_cast<int>(out->size()) - static_cast<int>(in->size());
      for (int a = 0; a < 2; ++a) {
        if ((*in)[path.dims[a]] != (*out)[path.dims[a] + shift]) {
          return Field::unknown(c.op + " spreads a map of " + std::to_string((*in)[path.dims[a]]) + " " +
                                (a == 0 ? "rows" : "columns") + " over " +
                                std::to_string((*out)[path.dims[a] + shift]));
        }
        path.dims[a] += shift;
      }
    }
    paths.push_back(path);
  }
  return merge_paths(paths, c.op);
}

Field same_field(const OpContext& c) { return c.inputs[0]; }

// Statistics over the whole map (instance and group norm, batch norm in
// training mode) are a global path into every position.
Field with_global_context(Field field) {
  field.global_context = true;
  return field;
}

Field batch_norm(const OpContext& c) {
  return integer_argument(c, "training", 0) != 0 ? with_global_context(c.inputs[0]) : c.inputs[0];
}

Field instance_norm(const OpContext& c) {
  return integer_argument(c, "use_input_stats", 1) != 0 ? with_global_context(c.inputs[0]) : c.inputs[0];
}

Field group_norm(const OpContext& c) { return with_global_context(c.inputs[0]); }

Field layer_norm(const OpContext& c) {
  const auto shape = c.facts.integers(argument(c.node, "normalized_shape"));
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  if (!shape || rank < 0) return Field::unknown(c.op + " over dimensions that are not known");
  const int64_t first = rank - static_cast<int64_t>(shape->size());
  const Field& input = c.inputs[0];
  return std::max(input.dims[0], input.dims[1]) >= first ? with_global_context(input) : input;
}

// The dimensions an op reduces, made non-negative; empty: all of them.
std::vector<int64_t> reduced_dims(const OpContext& c, bool& all) {
  const Value* dim = argument(c.node, "dim");
  all = !dim || dim->type()->kind() == c10::TypeKind::NoneType;
  if (all) return {};
  auto dims = c.facts.integers(dim);
  if (!dims) {
    auto single = c.facts.integer(dim);
    if (single) dims = std::vector<int64_t>{*single};
  }
  if (!dims) return {-1};  // not known: caught by the caller
  all = dims->empty();
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  for (int64_t& d : *dims) d = normalized_dim(d, rank);
  return *dims;
}

// Pooling over both rows and columns is global; over other dimensions (the
// channels) each position keeps its field.
Field reduction(const OpContext& c) {
  if (argument(c.node, "other")) return elementwise(c);  // max(a, b), min(a, b)
  bool all = false;
  const std::vector<int64_t> dims = reduced_dims(c, all);
  if (all) return Field::global();
  if (rank_of(c.node->input(0), c.facts) < 0 || std::count(dims.begin(), dims.end(), -1)) {
    return Field::unknown(c.op + " over dimensions that are not known");
  }
  Field output = c.inputs[0];
  const auto spatial =
      std::count_if(dims.begin(), dims.end(), [&](int64_t d) { return is_spatial_dim(output, d); });
  if (spatial == 2) return Field::global();
  if (spatial == 1) return Field::unknown(c.op + " pools along one axis of the map only");
  if (integer_argument(c, "keepdim", 0) == 0) {
    for (int& axis : output.dims) {
      axis -= static_cast<int>(std::count_if(dims.begin(), dims.end(), [&](int64_t d) { return d < axis; }));
    }
  }
  return output;
}

Field flatten(const OpContext& c) {
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  if (rank < 0) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int64_t first = normalized_dim(integer_argument(c, "start_dim", 0), rank);
  const int64_t last = normalized_dim(integer_argument(c, "end_dim", -1), rank);
  Field output = c.inputs[0];
  for (int& axis : output.dims) {
    if (axis >= first && axis <= last) return Field::global();
    if (axis > last) axis -= static_cast<int>(last - first);
  }
  return output;
}

// A view or reshape keeps each position where the map's rows and columns
// stay the last two dimensions with their sizes; one that folds them into
// features (rank 2 or less) is a flatten.
Field reshape(const OpContext& c) {
  const std::vector<int64_t>* in = c.facts.sizes(c.node->input(0));
  const std::vector<int64_t>* out = c.facts.sizes(c.node->output(0));
  if (!in || !out) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int in_rank = static_cast<int>(in->size());
  const int out_rank = static_cast<int>(out->size());
  Field output = c.inputs[0];
  if (output.dims[0] == in_rank - 2 && output.dims[1] == in_rank - 1 && out_rank >= 3 &&
      std::equal(in->end() - 2, in->end(), out->end() - 2)) {
    output.dims[0] = out_rank - 2;
    output.dims[1] = out_rank - 1;
    return output;
  }
  if (out_rank <= 2) return Field::global();
  return Field::unknown(c.op + " regroups the rows and columns of the map");
}

Field unsqueeze(const OpContext& c) {
  const int64_t rank = rank_of(c.node->output(0), c.facts);
  if (rank < 0) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int64_t dim = normalized_dim(integer_argument(c, "dim", 0), rank);
  Field output = c.inputs[0];
  for (int& axis : output.dims) axis += axis >= dim ? 1 : 0;
  return output;
}

Field squeeze(const OpContext& c) {
  const std::vector<int64_t>* in = c.facts.sizes(c.node->input(0));
  if (!in) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int64_t rank = static_cast<int64_t>(in->size());
  std::vector<int64_t> removed;
  if (argument(c.node, "dim")) {
    const int64_t dim = normalized_dim(integer_argument(c, "dim", 0), rank);
    if ((*in)[dim] == 1) removed.push_back(dim);
  } else {
    for (int64_t d = 0; d < rank; ++d) {
      if ((*in)[d] == 1) removed.push_back(d);
    }
  }
  Field output = c.inputs[0];
  for (int64_t d : removed) {
    if (is_spatial_dim(output, d)) return Field::unknown(c.op + " removes an axis of the map");
  }
  for (int& axis : output.dims) {
    axis -= static_cast<int>(std::count_if(removed.begin(), removed.end(), [&](int64_t d) { return d < axis; }));
  }
  return output;
}

Field transpose(const OpContext& c) {
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  if (rank < 0) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int64_t first = normalized_dim(integer_argument(c, "dim0", 0), rank);
  const int64_t second = normalized_dim(integer_argument(c, "dim1", 0), rank);
  Field output = c.inputs[0];
  for (int& axis : output.dims) {
    if (axis == first) {
      axis = static_cast<int>(second);
    } else if (axis == second) {
      axis = static_cast<int>(first);
    }
  }
  return output;
}

Field permute(const OpContext& c) {
  const auto order = c.facts.integers(argument(c.node, "dims"));
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  if (!order || rank < 0) return Field::unknown(c.op + " with an order that is not known");
  Field output = c.inputs[0];
  for (int& axis : output.dims) {
    for (size_t position = 0; position < order->size(); ++position) {
      if (normalized_dim((*order)[position], rank) == axis) {
        axis = static_cast<int>(position);
        break;
      }
    }
  }
  return output;
}

Field select(const OpContext& c) {
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  if (rank < 0) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int64_t dim = normalized_dim(integer_argument(c, "dim", 0), rank);
  Field output = c.inputs[0];
  if (is_spatial_dim(output, dim)) return Field::unknown(c.op + " keeps one row or column of the map");
  for (int& axis : output.dims) axis -= axis > dim ? 1 : 0;
  return output;
}

// A slice along an axis of the map starts later and may step over units.
Field slice(const OpContext& c) {
  const std::vector<int64_t>* in = c.facts.sizes(c.node->input(0));
  if (!in) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int64_t dim = normalized_dim(integer_argument(c, "dim", 0), static_cast<int64_t>(in->size()));
  Field output = c.inputs[0];
  if (!is_spatial_dim(output, dim)) return output;
  const bool narrow = c.op == "narrow";
  int64_t begin = integer_argument(c, "start", 0);
  if (begin < 0) begin += (*in)[dim];
  begin = std::clamp<int64_t>(begin, 0, (*in)[dim]);
  const int64_t step = narrow ? 1 : integer_argument(c, "step", 1);
  const std::vector<int64_t>* out = c.facts.sizes(c.node->output(0));
  if (!out) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  const int a = output.dims[0] == dim ? 0 : 1;
  const FieldAxis before = output.axes[a];
  FieldAxis& axis = output.axes[a];
  axis.start += begin * axis.stride;
  axis.stride *= step;
  axis.units = (*out)[dim];
  carry_edges(before, axis, step, begin, 1);
  return output;
}

Field index_select(const OpContext& c) {
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  const int64_t dim = normalized_dim(integer_argument(c, "dim", 0), rank);
  if (rank < 0 || is_spatial_dim(c.inputs[0], dim)) return Field::unknown(c.op + " picks positions of the map");
  return c.inputs[0];
}

// expand, expand_as, repeat: allowed where the map's axes keep their size.
Field expand(const OpContext& c) {
  const std::vector<int64_t>* in = c.facts.sizes(c.node->input(0));
  const std::vector<int64_t>* out = c.facts.sizes(c.node->output(0));
  if (!in || !out) return Field::unknown(c.op + " inside a run-time branch (sizes not measured)");
  Field output = c.inputs[0];
  const int shift = static_cast<int>(out->size()) - static_cast<int>(in->size());
  for (int& axis : output.dims) {
    if ((*in)[axis] != (*out)[axis + shift]) return Field::unknown(c.op + " repeats the map along its axes");
    axis += shift;
  }
  return output;
}

Field softmax(const OpContext& c) {
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  const int64_t dim = normalized_dim(integer_argument(c, "dim", 0), rank);
  if (rank < 0 || is_spatial_dim(c.inputs[0], dim)) return Field::unknown(c.op + " along an axis of the map");
  return c.inputs[0];
}

// A linear layer over channels-last maps works position by position.
Field linear(const OpContext& c) {
  const int64_t rank = rank_of(c.node->input(0), c.facts);
  if (rank < 0 || is_spatial_dim(c.inputs[0], rank - 1)) {
    return Field::unknown(c.op + " mixes the columns of the map");
  }
  return c.inputs[0];
}

Field mixes_positions(const OpContext& c) {
  return Field::unknown(c.op + " mixes positions of the map in ways the receptive field walk does not follow");
}

Field window_rule(const OpContext& c) {
  static const std::map<std::string, Field (*)(const Node*, const Field&, const GraphFacts&)> windows = {
      {"conv2d", convolution_field},
      {"_convolution", convolution_field},
      {"convolution", convolution_field},
      {"max_pool2d", pooling_field},
      {"max_pool2d_with_indices", pooling_field},
      {"avg_pool2d", pooling_field},
      {"adaptive_avg_pool2d", adaptive_pooling_field},
      {"adaptive_max_pool2d", adaptive_pooling_field},
      {"constant_pad_nd", padding_field},
      {"pad", padding_field}};
  return windows.at(c.op)(c.node, c.inputs[0], c.facts);
}

const std::map<std::string, Rule>& rules() {
  static const std::map<std::string, Rule> table = [] {
    std::map<std::string, Rule> t;
    for (const char* op : {"add", "sub", "rsub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod",
                           "pow", "maximum", "minimum", "fmax", "fmin", "where", "masked_fill", "lerp", "addcmul",
                           "addcdiv", "clamp", "clip", "clamp_min", "clamp_max", "relu", "relu6", "leaky_relu",
                           "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid", "hardsigmoid", "hardswish",
                           "hardtanh", "tanh", "softplus", "softsign", "threshold", "prelu", "rrelu", "exp",
                           "expm1", "log", "log1p", "log2", "abs", "neg", "sqrt", "rsqrt", "square", "reciprocal",
                           "sign", "sin", "cos", "erf", "floor", "ceil", "round", "trunc", "frac", "nan_to_num",
                           "logical_not", "logical_and", "logical_or", "eq", "ne", "lt", "le", "gt", "ge",
                           "__and__", "__or__", "bitwise_and", "bitwise_or", "bitwise_not"})
      t[op] = {Reads::kAll, elementwise};
    for (const char* op : {"contiguous", "clone", "detach", "to", "type_as", "float", "double", "half", "alias",
                           "dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout"})
      t[op] = {Reads::kFirstOnly, same_field};
    for (const char* op : {"view", "reshape", "_reshape_alias", "view_as", "reshape_as"})
      t[op] = {Reads::kFirstOnly, reshape};
    for (const char* op : {"expand", "expand_as", "repeat", "broadcast_to"}) t[op] = {Reads::kFirstOnly, expand};
    for (const char* op : {"mean", "sum", "amax", "amin", "max", "min", "std", "var", "prod", "logsumexp", "norm",
                           "argmax", "argmin", "median", "nansum", "nanmean"})
      t[op] = {Reads::kAll, reduction};  // kAll: max(a, b) and min(a, b) are element-wise
    for (const char* op : {"conv2d", "_convolution", "convolution", "max_pool2d", "max_pool2d_with_indices",
                           "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "constant_pad_nd", "pad"})
      t[op] = {Reads::kFirst, window_rule};
    for (const char* op : {"upsample_nearest2d", "upsample_bilinear2d", "upsample_bicubic2d", "interpolate",
                           "grid_sampler", "pixel_shuffle", "pixel_unshuffle", "reflection_pad2d",
                           "replication_pad2d", "matmul", "mm", "bmm", "addmm", "baddbmm", "einsum", "roll", "flip",
                           "im2col", "col2im", "unfold"})
      t[op] = {Reads::kAll, mixes_positions};
    t["batch_norm"] = {Reads::kFirst, batch_norm};
    t["instance_norm"] = {Reads::kFirst, instance_norm};
    t["group_norm"] = {Reads::kFirst, group_norm};
    t["layer_norm"] = {Reads::kFirst, layer_norm};
    t["flatten"] = {Reads::kFirst, flatten};
    t["unsqueeze"] = {Reads::kFirst, unsqueeze};
    t["squeeze"] = {Reads::kFirst, squeeze};
    t["transpose"] = {Reads::kFirst, transpose};
    t["swapaxes"] = {Reads::kFirst, transpose};
    t["permute"] = {Reads::kFirst, permute};
    t["select"] = {Reads::kFirst, select};
    t["slice"] = {Reads::kFirst, slice};
    t["narrow"] = {Reads::kFirst, slice};
    t["index_select"] = {Reads::kFirst, index_select};
    t["softmax"] = {Reads::kFirst, softmax};
    t["log_softmax"] = {Reads::kFirst, softmax};
    t["linear"] = {Reads::kFirst, linear};
    return t;
  }();
  return table;
}

// Ops whose output depends on the input's shape only.
bool only_shape_matters(const std::string& op) {
  static const std::set<std::string> ops = {"zeros_like", "ones_like", "empty_like", "full_like", "rand_like",
                                            "randn_like", "randint_like", "new_zeros", "new_ones", "new_full",
                                            "new_empty"};
  return ops.count(op) > 0;
}

}  // namespace

Field Field::unknown(std::string why) {
  Field field;
  field.kind = Kind::kUnknown;
  field.reason = std::move(why);
  return field;
}

Field Field::global() {
  Field field;
  field.kind = Kind::kGlobal;
  return field;
}

Field Field::identity(int64_t height, int64_t width) {
  Field field;
  field.kind = Kind::kSpatial;
  field.axes[0] = {1, 1, 0, height, 0, 0, 0, height - 1};
  field.axes[1] = {1, 1, 0, width, 0, 0, 0, width - 1};
  field.dims[0] = 2;
  field.dims[1] = 3;
  return field;
}

bool Field::same_as(const Field& other) const {
  return kind == other.kind && axes[0] == other.axes[0] && axes[1] == other.axes[1] && dims[0] == other.dims[0] &&
         dims[1] == other.dims[1] && global_context == other.global_context && approximate == other.approximate &&
         reason == other.reason;
}

ReceptiveField Field::to_receptive_field() const {
  ReceptiveField field;
  switch (kind) {
    case Kind::kSpatial:
      field.kind = ReceptiveField::Kind::kSpatial;
      field.rows = axes[0];
      field.cols = axes[1];
      field.global_context = global_context;
      field.approximate = approximate;
      break;
    case Kind::kGlobal:
      field.kind = ReceptiveField::Kind::kGlobal;
      break;
    case Kind::kUnknown:
      field.unknown_reason = reason;
      break;
    case Kind::kNone:
      field.unknown_reason = "the layer does not depend on the input";
      break;
  }
  return field;
}

Field merge_paths(const std::vector<Field>& paths, const std::string& op) {
  Field merged;
  bool any_global = false;
  for (const Field& path : paths) {
    if (path.kind == Kind::kUnknown) return path;
    if (path.kind == Kind::kGlobal) any_global = true;
    if (path.kind != Kind::kSpatial) continue;
    if (merged.kind != Kind::kSpatial) {
      merged = path;
      continue;
    }
    if (path.dims[0] != merged.dims[0] || path.dims[1] != merged.dims[1]) {
      return Field::unknown(op + " combines maps whose rows and columns lie in different dimensions");
    }
    for (int a = 0; a < 2; ++a) {
      FieldAxis& axis = merged.axes[a];
      const FieldAxis& other = path.axes[a];
      if (axis.stride != other.stride) {
        return Field::unknown("paths whose " + std::string(a == 0 ? "rows" : "columns") + " step by " +
                              std::to_string(axis.stride) + " and " + std::to_string(other.stride) +
                              " input pixels meet at " + op + ": their units do not line up");
      }
      const int64_t end = std::max(axis.start + axis.size, other.start + other.size);
      axis.start = std::min(axis.start, other.start);
      axis.size = end - axis.start;
      // A unit is padding only when it is padding on every path.
      axis.padded_before = std::min(axis.padded_before, other.padded_before);
      axis.padded_after = std::min(axis.padded_after, other.padded_after);
      axis.reach_first = std::min(axis.reach_first, other.reach_first);
      axis.reach_last = std::max(axis.reach_last, other.reach_last);
    }
    merged.global_context = merged.global_context || path.global_context;
    if (!path.approximate.empty() && merged.approximate.find(path.approximate) == std::string::npos) {
      merged.approximate += (merged.approximate.empty() ? "" : "; ") + path.approximate;
    }
  }
  if (merged.kind != Kind::kSpatial) return any_global ? Field::global() : Field();
  merged.global_context = merged.global_context || any_global;
  return merged;
}

Field apply_op(const Node* node, const std::vector<Field>& inputs, const GraphFacts& facts) {
  const bool aten_op = node->kind().is_aten();
  const std::string op = aten_op ? base_op_name(node) : std::string(node->kind().toQualString());
  if (only_shape_matters(op)) return Field();
  const auto rule = aten_op ? rules().find(op) : rules().end();
  const Reads reads = rule == rules().end() ? Reads::kAll : rule->second.reads;
  const size_t carriers = reads == Reads::kFirstOnly ? std::min<size_t>(1, inputs.size()) : inputs.size();
  bool any_spatial = false;
  bool all_none = true;
  for (size_t i = 0; i < carriers; ++i) {
    if (inputs[i].kind == Kind::kUnknown) return inputs[i];
    any_spatial = any_spatial || inputs[i].kind == Kind::kSpatial;
    all_none = all_none && inputs[i].kind == Kind::kNone;
  }
  if (all_none) return Field();
  if (rule == rules().end()) return Field::unknown(op + " is not handled by the receptive field walk");
  if (reads == Reads::kFirst) {
    for (size_t i = 1; i < inputs.size(); ++i) {
      if (inputs[i].kind != Kind::kNone) return Field::unknown(op + " with weights computed from the input");
    }
  }
  if (!any_spatial || (reads != Reads::kAll && inputs[0].kind != Kind::kSpatial)) return Field::global();
  return rule->second.apply({node, inputs, facts, op});
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

void carry_edges(const FieldAxis& in, FieldAxis& out, int64_t step, int64_t offset, int64_t span) {
  // The input's real units are lo..hi. Unit o is padding before them when
  // its window ends before lo, after them when it starts after hi.
  const int64_t lo = in.padded_before;
  const int64_t hi = in.units - in.padded_after - 1;
  const int64_t first_real = -floor_div(-(lo - offset - span + 1), step);  // ceil
  const int64_t past_real = floor_div(hi - offset, step) + 1;
  out.padded_before = std::clamp<int64_t>(first_real, 0, out.units);
  out.padded_after = out.units - std::clamp<int64_t>(past_real, 0, out.units);
  const int64_t last_unit = out.units - out.padded_after - 1;
  out.reach_first = std::max(in.reach_first, out.start + out.padded_before * out.stride);
  out.reach_last = std::min(in.reach_last, out.start + last_unit * out.stride + out.size - 1);
}

const Value* argument(const Node* node, const char* name) {
  const c10::FunctionSchema* schema = node->maybeSchema();
  if (!schema) return nullptr;
  const auto index = schema->argumentIndexWithName(name);
  if (!index || static_cast<size_t>(*index) >= node->inputs().size()) return nullptr;
  return node->input(*index);
}

int64_t normalized_dim(int64_t dim, int64_t rank) { return dim < 0 ? dim + rank : dim; }

int64_t rank_of(const Value* value, const GraphFacts& facts) {
  const std::vector<int64_t>* sizes = value ? facts.sizes(value) : nullptr;
  return sizes ? static_cast<int64_t>(sizes->size()) : -1;
}

std::string base_op_name(const Node* node) {
  std::string name = node->kind().toUnqualString();
  if (name.size() > 1 && name.back() == '_' && name[name.size() - 2] != '_') name.pop_back();
  return name;
}

bool is_inplace(const Node* node) {
  const std::string name = node->kind().toUnqualString();
  return node->kind().is_aten() && name.size() > 1 && name.back() == '_' && name[name.size() - 2] != '_';
}

bool may_alias_input(const Node* node) {
  static const std::set<std::string> views = {
      "view",   "reshape", "_reshape_alias", "view_as", "reshape_as", "flatten",   "squeeze", "unsqueeze",
      "expand", "expand_as", "transpose",  "permute", "select",     "slice",     "narrow",  "contiguous",
      "detach", "alias",   "to",           "type_as", "t",          "as_strided", "swapaxes"};
  return is_inplace(node) || (node->kind().is_aten() && views.count(base_op_name(node)) > 0);
}

}  // namespace actscope
