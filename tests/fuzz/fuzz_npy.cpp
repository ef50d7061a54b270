// .npy files handed to `actscope-cli embed`: any bytes parse or are refused
// with a message; an array that parses holds exactly its shape's bytes.
#include <cstdlib>
#include <string>

#include "core/io/npy_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto array = actscope::parse_npy(std::string(reinterpret_cast<const char*>(data), size));
  if (!array) {
    if (array.error().empty()) std::abort();
    return 0;
  }
  size_t expected = static_cast<size_t>(std::atoi(array.value().dtype.c_str() + 2));
  for (int64_t dim : array.value().shape) expected *= static_cast<size_t>(dim);
  if (array.value().data.size() != expected) std::abort();
  return 0;
}
