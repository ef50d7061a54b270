#include "core/base/float_array.h"

#include <functional>
#include <numeric>

namespace actscope {

FloatArray::FloatArray(std::vector<int64_t> shape, std::vector<float> values) : shape_(std::move(shape)) {
  auto owned = std::make_shared<std::vector<float>>(std::move(values));
  data_ = owned->data();
  owner_ = std::move(owned);
}

int64_t FloatArray::size() const {
  if (data_ == nullptr) return 0;
  return std::accumulate(shape_.begin(), shape_.end(), int64_t{1}, std::multiplies<>());
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "x" : "") + std::to_string(shape[i]);
  return text;
}

}  // namespace actscope
