// Reading an image for a model: the header check, then OpenCV's decoder.
// Whatever the bytes, the result is an image of the card's size or an error
// naming the file.
#include "core/model/image_input.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const actscope::ModelCard card = [] {
    actscope::ModelCard c;
    c.channels = 3;
    c.height = c.width = 32;
    c.mean = {0.5f, 0.5f, 0.5f};
    c.std = {0.25f, 0.25f, 0.25f};
    return c;
  }();
  const std::string path = actscope::fuzz::write_scratch("image", data, size);
  auto image = actscope::load_image(path, card);
  if (image.ok()) {
    if (image.value().tensor.size() != 3u * 32 * 32) __builtin_trap();
  } else if (image.error().find(path) == std::string::npos) {
    __builtin_trap();  // every error names the file
  }
  return 0;
}
