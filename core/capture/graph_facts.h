// What one run of a capture graph tells about its values: the sizes of the
// tensors and the values of the ints and bools in forward's top-level block
// and int lists (kernel sizes read from weights, strides computed in the
// model's code).
// Values inside if and loop bodies are not measured. Internal to core.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include <torch/script.h>

#include "core/capture/jit_ir.h"

namespace actscope {

class GraphFacts {
 public:
  // Runs a copy of `graph` (inputs: self, one tensor) once on `input` with
  // `module` as self, in inference mode. Facts are keyed by `graph`'s own
  // values. Throws what the run throws.
  static GraphFacts measure(const Graph& graph, const torch::jit::Module& module, const torch::Tensor& input);

  // The sizes of a tensor value, or null when it was not measured.
  const std::vector<int64_t>* sizes(const Value* value) const;
  // An int or bool: a constant, or a measured value.
  std::optional<int64_t> integer(const Value* value) const;
  // An int list: a constant, or a ListConstruct of known ints.
  std::optional<std::vector<int64_t>> integers(const Value* value) const;
  // A string constant.
  std::optional<std::string> text(const Value* value) const;

 private:
  std::unordered_map<const Value*, std::vector<int64_t>> sizes_;
  std::unordered_map<const Value*, int64_t> integers_;
  // Int lists computed at run time (a stride chosen by an if).
  std::unordered_map<const Value*, std::vector<int64_t>> lists_;
};

}  // namespace actscope
