// Ops that compute what a layer computes and, in the same pass over the
// memory, the [min, max] of their input and output, so that capturing every
// layer does not read each activation a second time for its range.
//
// actscope::batch_norm_with_ranges(input, weight, bias, running_mean,
//     running_var, training, momentum, eps, cudnn_enabled)
//     -> (output, input_range, output_range)
// takes aten::batch_norm's arguments and returns its output with two
// float32 [min, max] tensors. In inference on a contiguous float32 input, on
// a CPU with AVX2 and FMA, it is one pass that computes the output bit for
// bit as ATen does (output = fma(input, alpha, beta) with ATen's per-channel
// alpha and beta); otherwise it runs aten::batch_norm and aten::aminmax. NaN
// in the input makes both bounds NaN, as aminmax does. It has no gradient:
// the capture graph uses it only in inference mode.
#pragma once

#include <ATen/core/interned_strings.h>

namespace actscope {

// The op's symbol; calling it also guarantees the op is registered.
c10::Symbol batch_norm_with_ranges_symbol();

}  // namespace actscope
