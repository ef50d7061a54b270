// FloatArray: a read-only float32 array in C order with its shape, as the
// engine hands tensors to front ends without exposing torch types.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace actscope {

class FloatArray {
 public:
  FloatArray() = default;
  // Wraps `data`, kept alive by `owner` (for example the tensor it points into).
  FloatArray(std::vector<int64_t> shape, const float* data, std::shared_ptr<const void> owner)
      : shape_(std::move(shape)), data_(data), owner_(std::move(owner)) {}
  // Owns a copy of `values`; requires values.size() == product of `shape`.
  FloatArray(std::vector<int64_t> shape, std::vector<float> values);

  const std::vector<int64_t>& shape() const { return shape_; }
  int dim() const { return static_cast<int>(shape_.size()); }
  // The number of elements (1 for a 0-d array, 0 when empty).
  int64_t size() const;
  bool empty() const { return data_ == nullptr; }
  const float* data() const { return data_; }
  float operator[](int64_t i) const { return data_[i]; }

 private:
  std::vector<int64_t> shape_;
  const float* data_ = nullptr;
  std::shared_ptr<const void> owner_;
};

// "1x64x56x56" ("" for an empty shape).
std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace actscope
