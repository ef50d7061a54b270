// Reading an image for a model: the header check, then OpenCV's decoder on
// the same bytes. Whatever the bytes, the result is an image of the card's
// size or an error naming the file; and the check is never stricter than the
// decoder: bytes that cv::imdecode reads (IMREAD_UNCHANGED) in one of the
// formats read pass the check, with the size the decoder decodes.
// packaging/fuzz.sh lowers OpenCV's own pixel limit (read once when OpenCV
// loads) so that the decoder cannot allocate much here.
#include <opencv2/imgcodecs.hpp>

#include "core/io/image_header.h"
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
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto image = actscope::decode_image(bytes, card, "fuzz-input");
  if (image.ok()) {
    if (image.value().tensor.size() != 3u * 32 * 32) __builtin_trap();
  } else if (image.error().find("fuzz-input") == std::string::npos) {
    __builtin_trap();  // every error names the file
  }
  const auto declared = actscope::read_image_size(bytes);
  if (!declared || size == 0) return 0;  // a format that is not read at all
  cv::Mat decoded;
  try {
    const cv::Mat buffer(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t*>(data));
    decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    return 0;
  }
  if (decoded.empty()) return 0;
  if (!declared->invalid.empty()) __builtin_trap();  // stricter than the decoder
  if (declared->width != decoded.cols || declared->height != decoded.rows) __builtin_trap();
  return 0;
}
