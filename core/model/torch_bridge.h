// Conversions between torch tensors and the engine's plain types. For core's
// .cpp files only: it includes torch headers, which front ends must not see.
#pragma once

#include <algorithm>
#include <memory>
#include <string>

#include <torch/script.h>

#include "core/base/float_array.h"

namespace actscope {

// Shares a float32 CPU contiguous copy of `tensor` (no copy when it already is one).
inline FloatArray to_float_array(const torch::Tensor& tensor) {
  // Captures usually are float32 CPU contiguous already: no op to dispatch then.
  const bool ready = tensor.scalar_type() == torch::kFloat32 && tensor.device().is_cpu() &&
                     tensor.is_contiguous() && !tensor.requires_grad();
  auto owned = std::make_shared<torch::Tensor>(
      ready ? tensor : tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous());
  std::vector<int64_t> shape(owned->sizes().begin(), owned->sizes().end());
  const float* data = owned->data_ptr<float>();
  return FloatArray(std::move(shape), data, std::move(owned));
}

// A tensor viewing `array`'s memory; valid while `array` lives. Read-only use.
inline torch::Tensor view_as_tensor(const FloatArray& array) {
  return torch::from_blob(const_cast<float*>(array.data()), array.shape(), torch::kFloat32);
}

// The part of a LibTorch error a user can act on: the first line of a
// c10::Error (the rest is a C++ backtrace), or for the interpreter's "The
// following operation failed" report, its final "...Error: <what>" line.
inline std::string first_line(const std::string& message) {
  const std::string first = message.substr(0, message.find('\n'));
  if (first.rfind("The following operation failed", 0) != 0) return first;
  std::string last_error;
  size_t start = 0;
  while (start < message.size()) {
    const size_t end = std::min(message.find('\n', start), message.size());
    const std::string line = message.substr(start, end - start);
    if (const size_t at = line.find("Error: "); at != std::string::npos) last_error = line.substr(at + 7);
    start = end + 1;
  }
  return last_error.empty() ? first : last_error;
}

}  // namespace actscope
