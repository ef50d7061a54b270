// Turns image files (and raw gray pixels such as IDX images) into model
// inputs: the model's channels and size, scaled to [0,1] and normalized with
// the card's mean/std, plus the displayable RGB image at the input size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/base/rgb_image.h"
#include "core/model/model_card.h"

namespace actscope {

// One image ready for the model.
struct InputImage {
  std::string name;           // the file path, or a name such as "t10k[42]"
  RgbImage display;           // what the model sees, for showing and overlays
  // With a card's resize: the whole photo as resized (its shorter side to
  // the card's resize), and where `display`, its centre crop, lies in it;
  // empty (and 0, 0) when the image is not cropped.
  RgbImage context;
  int crop_x = 0;
  int crop_y = 0;
  std::vector<float> tensor;  // [channels, height, width] of the card, normalized
  // What the decoder coped with but the user should know (stray bytes
  // between JPEG segments, a JPEG cut short): starts with the file's name;
  // empty for a whole, well-formed file.
  std::string warning;
  // For an image of a dataset without a file of its own (an IDX set): the
  // dataset's path and the image's index in it; empty and -1 otherwise.
  std::string dataset;
  int64_t dataset_index = -1;
};

// Images larger than this are refused (decompression bombs).
constexpr long long kMaxImagePixels = 100'000'000;

// Reads PNG/JPEG/BMP/TIFF/WebP (8 or 16 bit; gray, color or with alpha, whose
// alpha is dropped), converts to the card's channels and order, resizes with
// bilinear interpolation when the size differs, and normalizes. The file is
// read once: its header is checked (core/io/image_header.h) and those same
// bytes are decoded by cv::imdecode with IMREAD_UNCHANGED.
// Errors name the file. Any thread may call it.
Result<InputImage> load_image(const std::string& path, const ModelCard& card);
// The same for a file's bytes already in memory; `name` names them in
// errors and becomes the image's name.
Result<InputImage> decode_image(std::string_view bytes, const ModelCard& card, const std::string& name);

// The same for `height` x `width` gray pixels already in memory (IDX datasets).
InputImage input_from_gray(const uint8_t* pixels, int height, int width, const ModelCard& card,
                           std::string name);

// The image files directly inside `folder` (by extension), sorted by name.
// Empty when the folder does not exist.
std::vector<std::string> image_files_in(const std::string& folder);

}  // namespace actscope
