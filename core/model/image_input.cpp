#include "core/model/image_input.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/io/file_bytes.h"
#include "core/io/image_header.h"

namespace actscope {
namespace {

// Converts any depth to float on [0,1]; float images are taken as already scaled.
cv::Mat to_unit_float(const cv::Mat& image) {
  cv::Mat scaled;
  switch (image.depth()) {
    case CV_8U:
      image.convertTo(scaled, CV_32F, 1.0 / 255.0);
      break;
    case CV_16U:
      image.convertTo(scaled, CV_32F, 1.0 / 65535.0);
      break;
    default:
      image.convertTo(scaled, CV_32F);
      break;
  }
  return scaled;
}

// OpenCV decodes color as BGR(A); returns float RGB (3 channels) or gray (1).
cv::Mat to_rgb_or_gray(const cv::Mat& unit) {
  cv::Mat converted;
  switch (unit.channels()) {
    case 1:
      return unit;
    case 2:
      cv::extractChannel(unit, converted, 0);
      return converted;  // gray + alpha
    case 3:
      cv::cvtColor(unit, converted, cv::COLOR_BGR2RGB);
      return converted;
    default:
      cv::cvtColor(unit, converted, cv::COLOR_BGRA2RGB);
      return converted;
  }
}

// Matches the card's channel count; the result is RGB (or gray).
cv::Mat to_model_channels(const cv::Mat& rgb_or_gray, int channels) {
  cv::Mat converted;
  if (channels == 1 && rgb_or_gray.channels() == 3) {
    cv::cvtColor(rgb_or_gray, converted, cv::COLOR_RGB2GRAY);
    return converted;
  }
  if (channels == 3 && rgb_or_gray.channels() == 1) {
    cv::cvtColor(rgb_or_gray, converted, cv::COLOR_GRAY2RGB);
    return converted;
  }
  return rgb_or_gray;
}

RgbImage to_display(const cv::Mat& unit_rgb_or_gray) {
  cv::Mat rgb = unit_rgb_or_gray;
  if (rgb.channels() == 1) cv::cvtColor(unit_rgb_or_gray, rgb, cv::COLOR_GRAY2RGB);
  cv::Mat bytes;
  rgb.convertTo(bytes, CV_8U, 255.0);
  RgbImage display;
  display.width = bytes.cols;
  display.height = bytes.rows;
  display.pixels.assign(bytes.datastart, bytes.dataend);
  return display;
}

// From float RGB/gray on [0,1] at any size to the normalized CHW tensor.
InputImage make_input(const cv::Mat& unit_rgb_or_gray, const ModelCard& card, std::string name) {
  cv::Mat sized = to_model_channels(unit_rgb_or_gray, card.channels);
  if (sized.cols != card.width || sized.rows != card.height) {
    cv::Mat resized;
    cv::resize(sized, resized, cv::Size(card.width, card.height), 0, 0, cv::INTER_LINEAR);
    sized = resized;
  }
  InputImage input;
  input.name = std::move(name);
  input.display = to_display(sized);
  std::vector<cv::Mat> planes;
  cv::split(sized.isContinuous() ? sized : sized.clone(), planes);
  if (card.channel_order == ChannelOrder::kBgr && planes.size() == 3) std::swap(planes[0], planes[2]);
  const size_t plane_size = static_cast<size_t>(card.width) * card.height;
  input.tensor.resize(plane_size * planes.size());
  // One value for every channel, or one per channel (a card built in code may
  // give one value for three channels; parse_model_card checks file cards).
  const auto per_channel = [](const std::vector<float>& values, size_t c, float fallback) {
    return values.empty() ? fallback : values[std::min(c, values.size() - 1)];
  };
  for (size_t c = 0; c < planes.size(); ++c) {
    const float mean = per_channel(card.mean, c, 0.0f);
    const float inv_std = 1.0f / per_channel(card.std, c, 1.0f);
    const cv::Mat plane = planes[c].isContinuous() ? planes[c] : planes[c].clone();
    const float* source = plane.ptr<float>();
    float* target = input.tensor.data() + c * plane_size;
    for (size_t i = 0; i < plane_size; ++i) target[i] = (source[i] - mean) * inv_std;
  }
  return input;
}

// cv::imdecode takes its buffer as a Mat of at most INT_MAX bytes.
constexpr uint64_t kMaxImageFileBytes = 0x7fffffff;

Error too_large(const std::string& path, long long width, long long height) {
  return Error{path + ": image is " + std::to_string(width) + "x" + std::to_string(height) +
               " pixels, more than the 100 megapixel limit"};
}

}  // namespace

Result<InputImage> load_image(const std::string& path, const ModelCard& card) {
  auto bytes = read_file_bytes(path, kMaxImageFileBytes);
  if (!bytes) return Error{bytes.error()};
  return decode_image(bytes.value(), card, path);
}

Result<InputImage> decode_image(std::string_view bytes, const ModelCard& card, const std::string& name) {
  // Refused before the decoder sees the pixels. OpenCV would decode more
  // formats (PNM, PFM, Sun raster, Radiance HDR, JPEG 2000) whose size is
  // not checked here, so those are not read at all.
  const auto declared = read_image_size(bytes);
  if (!declared) return Error{name + ": not a readable image: not a PNG, JPEG, BMP, TIFF or WebP file"};
  if (!declared->invalid.empty()) return Error{name + ": invalid image header: " + declared->invalid};
  if (exceeds_pixels(*declared, kMaxImagePixels)) return too_large(name, declared->width, declared->height);
  cv::Mat image;
  try {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    image = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    return Error{name + ": cannot decode the image (" + e.msg + ")"};
  }
  if (image.empty()) {
    return Error{name + ": not a readable image (the decoder refused it; the file may be damaged)"};
  }
  if (static_cast<long long>(image.cols) * image.rows > kMaxImagePixels) {
    return too_large(name, image.cols, image.rows);
  }
  InputImage input = make_input(to_rgb_or_gray(to_unit_float(image)), card, name);
  if (!declared->warning.empty()) input.warning = name + ": " + declared->warning;
  return input;
}

InputImage input_from_gray(const uint8_t* pixels, int height, int width, const ModelCard& card,
                           std::string name) {
  const cv::Mat gray(height, width, CV_8UC1, const_cast<uint8_t*>(pixels));
  return make_input(to_unit_float(gray), card, std::move(name));
}

std::vector<std::string> image_files_in(const std::string& folder) {
  static const std::vector<std::string> kExtensions = {".png", ".jpg",  ".jpeg", ".bmp",
                                                       ".tif", ".tiff", ".webp"};
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    std::string extension = entry.path().extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (entry.is_regular_file(ec) &&
        std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end()) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace actscope
