// The receptive field rules of the ops that slide windows over the map:
// convolution, pooling, adaptive pooling and padding. With a layer of kernel
// k, dilation d, stride s and padding p over a field (size r, stride j,
// start a), each output unit sees k' = d (k - 1) + 1 input units:
//   r' = r + (k' - 1) j,   j' = s j,   a' = a - p j
// (Araujo, Norris and Sim, Distill 2019). ceil_mode changes only how many
// units there are, not where each one looks.
#include <algorithm>
#include <sstream>

#include "core/capture/field_rules.h"

namespace actscope {
namespace {

const char* const kAxisNames[2] = {"rows", "columns"};

// `units` output units over `in` with a window of `kernel` units (dilated),
// `stride` and `padding` units before the map.
FieldAxis compose(const FieldAxis& in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation,
                  int64_t units) {
  const int64_t span = dilation * (kernel - 1) + 1;
  FieldAxis out;
  out.size = in.size + (span - 1) * in.stride;
  out.stride = in.stride * stride;
  out.start = in.start - padding * in.stride;
  out.units = units;
  carry_edges(in, out, stride, -padding, span);
  return out;
}

// The output's map size along each axis of the field, or 0 when not measured.
std::vector<int64_t> output_units(const Node* node, const Field& input, const GraphFacts& facts) {
  const std::vector<int64_t>* out = facts.sizes(node->output(0));
  if (!out) return {0, 0};
  return {(*out)[input.dims[0]], (*out)[input.dims[1]]};
}

// A per-axis argument: two values, or one for both axes.
std::optional<std::vector<int64_t>> pair_argument(const Node* node, const char* name, const GraphFacts& facts) {
  const Value* value = argument(node, name);
  if (!value) return std::nullopt;
  auto list = facts.integers(value);
  if (!list) {
    auto single = facts.integer(value);
    if (!single) return std::nullopt;
    list = std::vector<int64_t>{*single};
  }
  if (list->size() == 1) list->push_back(list->front());
  if (list->size() != 2) return std::nullopt;
  return list;
}

// The input's last two dimensions must be the field's rows and columns.
std::string check_map_axes(const Node* node, const Field& input, const GraphFacts& facts) {
  const int64_t rank = rank_of(node->input(0), facts);
  if (rank < 0) return base_op_name(node) + " inside a run-time branch (sizes not measured)";
  if (input.dims[0] != rank - 2 || input.dims[1] != rank - 1) {
    return base_op_name(node) + " slides over dimensions that are not the map's rows and columns";
  }
  return "";
}

// The padding of a convolution: numbers, or "valid" / "same" (which pads
// d (k - 1) in total, the smaller half before).
std::optional<std::vector<int64_t>> conv_padding(const Node* node, const std::vector<int64_t>& kernel,
                                                 const std::vector<int64_t>& dilation, const GraphFacts& facts) {
  const Value* value = argument(node, "padding");
  if (!value) return std::nullopt;
  if (auto mode = facts.text(value)) {
    if (*mode == "valid") return std::vector<int64_t>{0, 0};
    if (*mode != "same") return std::nullopt;
    return std::vector<int64_t>{dilation[0] * (kernel[0] - 1) / 2, dilation[1] * (kernel[1] - 1) / 2};
  }
  return pair_argument(node, "padding", facts);
}

Field apply_window(const Field& input, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                   const std::vector<int64_t>& padding, const std::vector<int64_t>& dilation,
                   const std::vector<int64_t>& units) {
  Field output = input;
  for (int a = 0; a < 2; ++a) {
    output.axes[a] = compose(input.axes[a], kernel[a], stride[a], padding[a], dilation[a], units[a]);
  }
  return output;
}

}  // namespace

Field convolution_field(const Node* node, const Field& input, const GraphFacts& facts) {
  const std::string op = base_op_name(node);
  if (std::string why = check_map_axes(node, input, facts); !why.empty()) return Field::unknown(why);
  if (const Value* transposed = argument(node, "transposed"); transposed && facts.integer(transposed) != 0) {
    return Field::unknown("transposed convolution (" + op + ") is not handled by the receptive field walk");
  }
  const std::vector<int64_t>* weight = facts.sizes(argument(node, "weight"));
  if (!weight || weight->size() != 4) return Field::unknown(op + " whose kernel size is not known");
  const std::vector<int64_t> kernel{(*weight)[2], (*weight)[3]};
  const auto stride = pair_argument(node, "stride", facts);
  const auto dilation = pair_argument(node, "dilation", facts);
  if (!stride || !dilation) return Field::unknown(op + " whose stride or dilation is computed at run time");
  const auto padding = conv_padding(node, kernel, *dilation, facts);
  if (!padding) return Field::unknown(op + " whose padding is not known");
  return apply_window(input, kernel, *stride, *padding, *dilation, output_units(node, input, facts));
}

Field pooling_field(const Node* node, const Field& input, const GraphFacts& facts) {
  const std::string op = base_op_name(node);
  if (std::string why = check_map_axes(node, input, facts); !why.empty()) return Field::unknown(why);
  const auto kernel = pair_argument(node, "kernel_size", facts);
  auto stride = pair_argument(node, "stride", facts);
  const auto padding = pair_argument(node, "padding", facts);
  if (!stride) {  // an empty list means the kernel size
    const auto listed = facts.integers(argument(node, "stride"));
    if (listed && listed->empty()) stride = kernel;
  }
  std::optional<std::vector<int64_t>> dilation = std::vector<int64_t>{1, 1};
  if (argument(node, "dilation")) dilation = pair_argument(node, "dilation", facts);
  if (!kernel || !stride || !padding || !dilation) {
    return Field::unknown(op + " whose window is computed at run time");
  }
  return apply_window(input, *kernel, *stride, *padding, *dilation, output_units(node, input, facts));
}

// Adaptive pooling of `in` units to `out`: window i is
// [floor(i in / out), ceil((i + 1) in / out)). When in is a multiple of out
// that is a pooling of kernel and stride in / out; otherwise the windows
// differ in size and step, and the field takes the largest window and the
// step rounded up, with a note that it is approximate.
Field adaptive_pooling_field(const Node* node, const Field& input, const GraphFacts& facts) {
  const std::string op = base_op_name(node);
  if (std::string why = check_map_axes(node, input, facts); !why.empty()) return Field::unknown(why);
  const std::vector<int64_t>* in = facts.sizes(node->input(0));
  const std::vector<int64_t>* out = facts.sizes(node->output(0));
  if (!in || !out || out->size() != in->size()) return Field::unknown(op + " inside a run-time branch");
  const int64_t rank = static_cast<int64_t>(in->size());
  const int64_t in_size[2] = {(*in)[rank - 2], (*in)[rank - 1]};
  const int64_t out_size[2] = {(*out)[rank - 2], (*out)[rank - 1]};
  if (out_size[0] == 1 && out_size[1] == 1) return Field::global();
  Field output = input;
  for (int a = 0; a < 2; ++a) {
    if (in_size[a] % out_size[a] == 0) {
      const int64_t step = in_size[a] / out_size[a];
      output.axes[a] = compose(input.axes[a], step, step, 0, 1, out_size[a]);
      continue;
    }
    int64_t largest = 0;
    for (int64_t i = 0; i < out_size[a]; ++i) {
      const int64_t first = i * in_size[a] / out_size[a];
      const int64_t end = ((i + 1) * in_size[a] + out_size[a] - 1) / out_size[a];
      largest = std::max(largest, end - first);
    }
    const int64_t step = (in_size[a] + out_size[a] - 1) / out_size[a];
    output.axes[a] = compose(input.axes[a], largest, step, 0, 1, out_size[a]);
    std::ostringstream note;
    note << op << " from " << in_size[a] << " to " << out_size[a] << " " << kAxisNames[a]
         << " has windows of uneven size and step; the field uses the largest window (" << largest
         << ") and a step of " << step;
    output.approximate += (output.approximate.empty() ? "" : "; ") + note.str();
  }
  return output;
}

// Zero padding of p units before the map: output unit i is input unit
// i - p, so the field starts p units earlier. Other modes mirror or wrap
// the map, which no start and stride describe.
Field padding_field(const Node* node, const Field& input, const GraphFacts& facts) {
  const std::string op = base_op_name(node);
  if (const Value* mode = argument(node, "mode")) {
    const auto name = facts.text(mode);
    if (!name || *name != "constant") {
      return Field::unknown(op + " with " + name.value_or("a computed") + " padding mirrors or wraps the map");
    }
  }
  const auto pad = facts.integers(argument(node, "pad"));
  const int64_t rank = rank_of(node->input(0), facts);
  if (!pad || rank < 0) return Field::unknown(op + " whose padding is not known");
  Field output = input;
  const std::vector<int64_t> units = output_units(node, input, facts);
  // pad lists (before, after) pairs from the last dimension backwards.
  for (int a = 0; a < 2; ++a) {
    const size_t pair = static_cast<size_t>(rank - 1 - input.dims[a]);
    const int64_t before = 2 * pair + 1 < pad->size() ? (*pad)[2 * pair] : 0;
    FieldAxis& axis = output.axes[a];
    axis.start -= before * input.axes[a].stride;
    axis.units = units[a];
    // Output unit o is input unit o - before; the new ones are padding.
    carry_edges(input.axes[a], axis, 1, -before, 1);
  }
  return output;
}

}  // namespace actscope
