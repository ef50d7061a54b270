#include "core/model/image_input.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <vector>

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

// One axis of PIL's bilinear resampling (what torchvision's Resize does to a
// PIL image): each output pixel is the triangle-weighted mean of the input
// pixels around its centre, the triangle stretched by the scale when
// shrinking (antialias). Along the columns of `image` (float, any channels).
cv::Mat resample_columns(const cv::Mat& image, int out_width) {
  const int in_width = image.cols, channels = image.channels();
  const double scale = static_cast<double>(in_width) / out_width;
  const double filter_scale = std::max(1.0, scale);
  const double support = filter_scale;  // the triangle's half width (1) stretched
  cv::Mat out(image.rows, out_width, image.type());
  std::vector<double> weights;
  for (int xx = 0; xx < out_width; ++xx) {
    const double centre = (xx + 0.5) * scale;
    const int first = std::max(0, static_cast<int>(centre - support + 0.5));
    const int end = std::min(in_width, static_cast<int>(centre + support + 0.5));
    weights.assign(static_cast<size_t>(std::max(0, end - first)), 0.0);
    double total = 0.0;
    for (int x = first; x < end; ++x) {
      const double distance = std::fabs((x - centre + 0.5) / filter_scale);
      total += weights[static_cast<size_t>(x - first)] = distance < 1.0 ? 1.0 - distance : 0.0;
    }
    for (int y = 0; y < image.rows; ++y) {
      const float* row = image.ptr<float>(y);
      float* target = out.ptr<float>(y) + static_cast<size_t>(xx) * channels;
      for (int c = 0; c < channels; ++c) {
        double sum = 0.0;
        for (int x = first; x < end; ++x) sum += weights[static_cast<size_t>(x - first)] * row[x * channels + c];
        target[c] = static_cast<float>(total > 0.0 ? sum / total : 0.0);
      }
    }
  }
  return out;
}

// torchvision's Resize(size) + CenterCrop(height, width) on a float image:
// the shorter side to `size` (the longer in proportion, truncated), then the
// centre cut out (offsets rounded half to even, as Python's round; zero
// padding where the image is smaller than the crop).
struct Cropped {
  cv::Mat crop;     // height x width
  cv::Mat resized;  // the whole image, its shorter side `size`
  int left = 0;
  int top = 0;
};

Cropped resize_and_centre_crop(const cv::Mat& image, int size, int height, int width) {
  cv::Mat resized = image;
  const int w = image.cols, h = image.rows;
  if (std::min(w, h) != size) {
    const int out_w = w <= h ? size : static_cast<int>(static_cast<long long>(size) * w / h);
    const int out_h = w <= h ? static_cast<int>(static_cast<long long>(size) * h / w) : size;
    cv::Mat wide = out_w == w ? image : resample_columns(image, out_w);
    cv::Mat turned, tall;
    cv::transpose(wide, turned);
    tall = out_h == h ? turned : resample_columns(turned, out_h);
    cv::transpose(tall, resized);
  }
  cv::Mat cropped(height, width, resized.type(), cv::Scalar::all(0));
  const int top = static_cast<int>(std::nearbyint((resized.rows - height) / 2.0));
  const int left = static_cast<int>(std::nearbyint((resized.cols - width) / 2.0));
  const cv::Rect source = cv::Rect(left, top, width, height) & cv::Rect(0, 0, resized.cols, resized.rows);
  resized(source).copyTo(cropped(cv::Rect(source.x - left, source.y - top, source.width, source.height)));
  return {cropped, resized, left, top};
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
  RgbImage context;
  int crop_x = 0, crop_y = 0;
  if (card.resize > 0) {
    Cropped cropped = resize_and_centre_crop(sized, card.resize, card.height, card.width);
    if (cropped.resized.size() != cropped.crop.size()) {
      context = to_display(cropped.resized);
      crop_x = cropped.left;
      crop_y = cropped.top;
    }
    sized = cropped.crop;
  } else if (sized.cols != card.width || sized.rows != card.height) {
    cv::Mat resized;
    cv::resize(sized, resized, cv::Size(card.width, card.height), 0, 0, cv::INTER_LINEAR);
    sized = resized;
  }
  InputImage input;
  input.name = std::move(name);
  input.display = to_display(sized);
  input.context = std::move(context);
  input.crop_x = crop_x;
  input.crop_y = crop_y;
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
