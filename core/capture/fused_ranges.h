// Ops that compute what a layer computes and, in the same pass over the
// memory, the [min, max] of their input and output, so that capturing every
// layer does not read each activation a second time for its range. Where a
// ReLU follows, they also write the ReLU's output in that pass, so that the
// captured pre-ReLU tensor is not read a second time either.
//
// actscope::batch_norm_with_ranges(input, weight, bias, running_mean,
//     running_var, training, momentum, eps, cudnn_enabled)
//     -> (output, input_range, output_range)
// takes aten::batch_norm's arguments and returns its output with two
// float32 [min, max] tensors. In inference on a contiguous float32 input, on
// a CPU with AVX2 and FMA, it is one pass that computes the output bit for
// bit as ATen does (output = fma(input, alpha, beta) with ATen's per-channel
// alpha and beta); otherwise it runs aten::batch_norm and aten::aminmax.
//
// actscope::batch_norm_relu_with_ranges(the same arguments)
//     -> (output, relu_output, input_range, output_range)
// is the same and also returns aten::relu(output), bit for bit (NaN stays
// NaN, -0.0 stays -0.0).
//
// actscope::add_relu_with_range(self, other, keep_self_dtype)
//     -> (sum, relu_output, sum_range)
// is aten::add(self, other) (alpha 1), cast to self's dtype when
// keep_self_dtype (what the in-place `self += other` keeps), then
// aten::relu(sum), with the [min, max] of the sum. One pass for contiguous
// float32 operands of one shape on an AVX2 and FMA CPU, computing the sum as
// ATen does (fmadd(b, 1, a), which also decides which NaN is kept); ATen's
// ops otherwise.
//
// actscope::max_pool2d_with_range(self, kernel_size, stride, padding,
//     dilation, ceil_mode) -> (output, output_range)
// is aten::max_pool2d with the [min, max] of its output. On contiguous
// float32 [N, C, H, W] input, with dilation 1, no ceil mode and a stride of 1
// or 2 along the width, it is one vectorized pass that scans each window in
// ATen's order by ATen's rule (a value replaces the maximum when it is
// greater or NaN), so the output is ATen's bit for bit; ATen's op otherwise.
// ATen 1.13 pools NCHW float tensors with a scalar loop that also computes
// indices, which this pass skips: it is several times faster than the op it
// replaces (tests/bench/RESULTS.md).
//
// actscope::map_summaries(self, low, high, bounded) -> Tensor
// gives, for each image and channel of an [N, C, H, W] tensor, what the
// filter atlas keeps of the map (map_summary.h) as doubles [N, C, 4]:
// maximum, positive count, sum, and the count within 1e-6 of low or high
// when `bounded`; an empty tensor for tensors of other ranks. Placed right after the op that produces the tensor, it
// reads the map while it is still in cache.
//
// In all of them NaN in a tensor makes both of its bounds NaN, as aminmax
// does, and an empty tensor has the range [0, 0]. They have no gradient: the
// capture graph uses them only in inference mode.
#pragma once

#include <ATen/core/interned_strings.h>

namespace actscope {

// The ops' symbols; calling one also guarantees the ops are registered.
c10::Symbol batch_norm_with_ranges_symbol();
c10::Symbol batch_norm_relu_with_ranges_symbol();
c10::Symbol max_pool2d_with_range_symbol();
c10::Symbol add_relu_with_range_symbol();
c10::Symbol map_summaries_symbol();

}  // namespace actscope
