// Theoretical receptive fields: which input pixels a layer's unit can see,
// from the geometry of the ops between the input and the layer (kernels,
// strides, padding, dilation), whatever the weights. Plain types, no torch:
// front ends read them through the model room (core/model/receptive_fields.h);
// field_walk.h computes them from the capture graph.
//
// Formulas: Araujo, Norris and Sim, "Computing Receptive Fields of
// Convolutional Neural Networks", Distill 2019.
#pragma once

#include <cstdint>
#include <string>

namespace actscope {

// One axis of a field: unit i (a row or a column of the layer's output)
// sees input positions start + i * stride .. start + i * stride + size - 1,
// before clipping to the image. `start` is negative where padding reaches
// outside the image.
//
// Units that hold only padding (an explicit zero pad before the layer, or a
// convolution whose padding exceeds its kernel) see no pixel at all: the
// first `padded_before` and the last `padded_after` of the layer's `units`.
// And the layer's units together may see less than the whole input: a
// strided layer that drops the last rows of its input map never sees the
// pixels only those rows saw. `reach_first` .. `reach_last` are the input
// positions the layer's units see at all; every unit's window is clipped to
// them (as to the image).
struct FieldAxis {
  int64_t size = 0;    // pixels
  int64_t stride = 0;  // input pixels between neighbouring units (the "jump")
  int64_t start = 0;   // first input position seen by unit 0
  int64_t units = 0;   // the layer's map size along this axis
  int64_t padded_before = 0;
  int64_t padded_after = 0;
  int64_t reach_first = 0;
  int64_t reach_last = -1;

  bool operator==(const FieldAxis& other) const {
    return size == other.size && stride == other.stride && start == other.start && units == other.units &&
           padded_before == other.padded_before && padded_after == other.padded_after &&
           reach_first == other.reach_first && reach_last == other.reach_last;
  }
};

struct ReceptiveField {
  enum class Kind {
    kUnknown,  // the walk met an op it does not understand: see `unknown_reason`
    kSpatial,  // each unit sees the window given by `rows` and `cols`
    kGlobal,   // after global pooling, flatten or a linear layer: the whole input
  };
  Kind kind = Kind::kUnknown;
  FieldAxis rows;
  FieldAxis cols;
  // kSpatial: a path through global pooling (a squeeze-and-excitation gate,
  // global context) also reaches the layer; it does not widen the field.
  bool global_context = false;
  // kSpatial: why the field is approximate ("" when it is exact): adaptive
  // pooling whose input is not a multiple of its output has windows of
  // uneven size and step; the field then uses the largest window.
  std::string approximate;
  std::string unknown_reason;  // kUnknown: why, naming the op
};

// The input positions a unit sees along one axis, clipped to [0, extent):
// `first` .. `last`, inclusive; empty when last < first.
struct PixelSpan {
  int64_t first = 0;
  int64_t last = -1;
};

// The span of unit `index` of `axis`, clipped to the layer's reach and to an
// input of `extent` pixels; empty for a unit of padding.
inline PixelSpan unit_span(const FieldAxis& axis, int64_t index, int64_t extent) {
  if (index < axis.padded_before || index >= axis.units - axis.padded_after) return {};
  int64_t first = axis.start + index * axis.stride;
  int64_t last = first + axis.size - 1;
  if (first < axis.reach_first) first = axis.reach_first;
  if (last > axis.reach_last) last = axis.reach_last;
  if (first < 0) first = 0;
  if (last >= extent) last = extent - 1;
  if (last < first) return {};
  return {first, last};
}

}  // namespace actscope
