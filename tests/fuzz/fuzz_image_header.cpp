// The image header check: any bytes give a size, an invalid header or
// nothing, and the pixel limit check never overflows (UBSan would say).
#include <string_view>

#include "core/io/image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto found = actscope::read_image_size(std::string_view(reinterpret_cast<const char*>(data), size));
  if (found && found->invalid.empty()) {
    // A valid header has both sides positive (the check's promise).
    if (found->width < 1 || found->height < 1) __builtin_trap();
    actscope::exceeds_pixels(*found, 100000000LL);
    actscope::exceeds_pixels(*found, 1);
  }
  return 0;
}
