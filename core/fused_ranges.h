// Ops that compute what a layer computes and, in the same pass over the
// memory, the [min, max] of their input and output, so that capturing every
// layer does not read each activation a second time for its range. Where a
// ReLU follows, they also write the ReLU's output in that pass, so that the
// captured pre-ReLU tensor is written once and never read again.
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
// NaN, -0.0 stays -0.0). `output` is written with non-temporal stores: it is
// a capture that nothing in forward reads again, so it should not push the
// ReLU's output (which the next layer reads) out of the cache.
//
// actscope::add_relu_with_range(self, other, keep_self_dtype)
//     -> (sum, relu_output, sum_range)
// is aten::add(self, other) (alpha 1), cast to self's dtype when
// keep_self_dtype (what the in-place `self += other` keeps), then
// aten::relu(sum), with the [min, max] of the sum. One pass for contiguous
// float32 operands of one shape on an AVX2 CPU (a + b rounds the same with or
// without FMA); ATen's ops otherwise.
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
c10::Symbol add_relu_with_range_symbol();

}  // namespace actscope
