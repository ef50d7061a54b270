// Short names for the TorchScript IR types and symbols that the graph code
// (the capture room and the analyses built on it) works with. Internal to
// core (includes torch headers).
#pragma once

#include <torch/csrc/jit/ir/ir.h>

namespace actscope {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::GraphFunction;
using torch::jit::Node;
using torch::jit::Value;
namespace attr = c10::attr;
namespace prim = c10::prim;
namespace aten = c10::aten;

}  // namespace actscope
