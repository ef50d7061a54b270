// How each op of a TorchScript graph changes the receptive field of the
// values it reads: the per-op rules of the receptive field walk
// (field_walk.h), and the union of fields where paths merge.
// Internal to core.
#pragma once

#include <string>
#include <vector>

#include "core/capture/graph_facts.h"
#include "core/capture/jit_ir.h"
#include "core/capture/receptive_field.h"

namespace actscope {

// The field of one value during the walk. Besides ReceptiveField's kinds, a
// value may not depend on the input at all (weights, constants, zeros_like).
struct Field {
  enum class Kind { kNone, kSpatial, kGlobal, kUnknown };
  Kind kind = Kind::kNone;
  FieldAxis axes[2];       // rows, cols
  int dims[2] = {-1, -1};  // the tensor dimensions that hold rows and cols
  bool global_context = false;
  std::string approximate;  // why the field is approximate, "" when exact
  std::string reason;       // kUnknown: why

  static Field unknown(std::string why);
  static Field global();
  // The input image [N, C, height, width]: each pixel sees itself.
  static Field identity(int64_t height, int64_t width);

  bool same_as(const Field& other) const;
  ReceptiveField to_receptive_field() const;
};

// The output field of `node` (all its tensor outputs share it) from the
// fields of its inputs (kNone for inputs that are not tensors). Unknown, with
// the reason, for ops the walk does not understand.
Field apply_op(const Node* node, const std::vector<Field>& inputs, const GraphFacts& facts);

// The union of the fields of paths that meet in one value (`dims` of each
// already in the output's numbering): the earliest start and the latest end
// per axis. Global paths only set global_context; strides must agree.
// `op` names the meeting point in reasons.
Field merge_paths(const std::vector<Field>& paths, const std::string& op);

// Rules for the ops that slide windows over the map (field_windows.cpp),
// for a spatial `input` field; `node` is the op.
Field convolution_field(const Node* node, const Field& input, const GraphFacts& facts);
Field pooling_field(const Node* node, const Field& input, const GraphFacts& facts);
Field adaptive_pooling_field(const Node* node, const Field& input, const GraphFacts& facts);
Field padding_field(const Node* node, const Field& input, const GraphFacts& facts);

// Sets out's padding units and reach (out.units, start, stride and size
// must be set) for a map whose unit o reads units o * step + offset ..
// o * step + offset + span - 1 of `in`: the units whose window holds only
// `in`'s padding units or lies outside `in` are padding; the reach is
// what the first and last other units see, within `in`'s reach.
void carry_edges(const FieldAxis& in, FieldAxis& out, int64_t step, int64_t offset, int64_t span);

// Shared by the rules: the input of `node` named `name` in its schema, or
// null; a dimension index made non-negative for a tensor of `rank`
// dimensions; the rank of a measured tensor (-1 when not measured).
const Value* argument(const Node* node, const char* name);
int64_t normalized_dim(int64_t dim, int64_t rank);
int64_t rank_of(const Value* value, const GraphFacts& facts);

// The op's name without "aten::" and without the trailing "_" of in-place ops.
std::string base_op_name(const Node* node);
// True for an aten op that writes its first input (relu_, add_, ...).
bool is_inplace(const Node* node);
// True for ops whose output may share memory with their first input.
bool may_alias_input(const Node* node);

}  // namespace actscope
