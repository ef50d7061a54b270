#include "core/explain/field_figure.h"

#include <algorithm>
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/maps/cam_render.h"
#include "core/maps/colorbar.h"
#include "core/model/receptive_fields.h"

namespace actscope {
namespace {

constexpr int kMinShortSide = 224;

std::string span_text(const PixelSpan& span) {
  return std::to_string(span.first) + ".." + std::to_string(span.last);
}

}  // namespace

std::vector<std::string> field_caption(const UnitRequest& unit, const EffectiveField& field) {
  std::vector<std::string> lines;
  lines.push_back("layer " + unit.layer + ", unit (" + std::to_string(unit.y) + ", " + std::to_string(unit.x) +
                  "), " + (unit.filter >= 0 ? "filter " + std::to_string(unit.filter) : "all filters"));
  lines.push_back("theoretical field: " + describe_field(field.theoretical));
  if (field.theoretical.kind == ReceptiveField::Kind::kSpatial) {
    char share[64] = "";
    if (field.share_inside >= 0) {
      std::snprintf(share, sizeof share, "; %.1f%% of the gradient inside", 100.0 * field.share_inside);
    } else if (field.raw_max == 0) {
      std::snprintf(share, sizeof share, "; zero gradient: the unit is inactive here");
    }
    lines.push_back("rows " + span_text(field.rows) + ", columns " + span_text(field.cols) + share);
  }
  return lines;
}

RgbImage field_figure(const EffectiveField& field, const RgbImage& display, const std::vector<std::string>& caption,
                      float image_weight) {
  const auto& shape = field.map.shape();
  const RgbImage overlay = cam_overlay(display, field.map.data(), static_cast<int>(shape[0]),
                                       static_cast<int>(shape[1]), Colormap::kJet, image_weight);
  // Enlarge here (as make_figure would) so that the box lies on pixel edges.
  const int short_side = std::max(1, std::min(overlay.width, overlay.height));
  const int factor = std::max(1, (kMinShortSide + short_side - 1) / short_side);
  const cv::Mat source(overlay.height, overlay.width, CV_8UC3, const_cast<uint8_t*>(overlay.pixels.data()));
  cv::Mat enlarged;
  cv::resize(source, enlarged, {}, factor, factor, cv::INTER_NEAREST);
  if (field.theoretical.kind == ReceptiveField::Kind::kSpatial && field.rows.last >= field.rows.first &&
      field.cols.last >= field.cols.first) {
    // The image may be shown at another size than the model input.
    const double sy = static_cast<double>(overlay.height) / static_cast<double>(shape[0]) * factor;
    const double sx = static_cast<double>(overlay.width) / static_cast<double>(shape[1]) * factor;
    const cv::Point top_left(static_cast<int>(field.cols.first * sx), static_cast<int>(field.rows.first * sy));
    const cv::Point bottom_right(static_cast<int>((field.cols.last + 1) * sx) - 1,
                                 static_cast<int>((field.rows.last + 1) * sy) - 1);
    cv::rectangle(enlarged, top_left, bottom_right, cv::Scalar(0, 0, 0), 3);
    cv::rectangle(enlarged, top_left, bottom_right, cv::Scalar(255, 255, 255), 1);
  }
  RgbImage picture{enlarged.cols, enlarged.rows, {}};
  picture.pixels.assign(enlarged.data, enlarged.data + enlarged.total() * 3);
  const ColorScale scale{Colormap::kJet, 0.0, field.raw_max, "|d unit / d input|, summed over channels"};
  return make_figure(picture, caption, scale, kMinShortSide);
}

}  // namespace actscope
