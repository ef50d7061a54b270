// Conversions between torch tensors and the engine's plain types. For core's
// .cpp files only: it includes torch headers, which front ends must not see.
#pragma once

#include <memory>
#include <string>

#include <torch/script.h>

#include "core/float_array.h"

namespace actscope {

// Shares a float32 CPU contiguous copy of `tensor` (no copy when it already is one).
inline FloatArray to_float_array(const torch::Tensor& tensor) {
  auto owned = std::make_shared<torch::Tensor>(tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous());
  std::vector<int64_t> shape(owned->sizes().begin(), owned->sizes().end());
  const float* data = owned->data_ptr<float>();
  return FloatArray(std::move(shape), data, std::move(owned));
}

// A tensor viewing `array`'s memory; valid while `array` lives. Read-only use.
inline torch::Tensor view_as_tensor(const FloatArray& array) {
  return torch::from_blob(const_cast<float*>(array.data()), array.shape(), torch::kFloat32);
}

// The first line of a c10::Error: the rest is a C++ backtrace users cannot act on.
inline std::string first_line(const std::string& message) { return message.substr(0, message.find('\n')); }

}  // namespace actscope
