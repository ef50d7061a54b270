// The random side of feature visualization, torch-free: a generator per
// image seeded by (seed, filter), the spectrum's initial values, and the
// small transforms drawn each step (lucent's standard_transforms: pad,
// jitter, scale 0.9..1.1, rotation -10..10 degrees, jitter), sized for the
// image and kept inside its frame, as one affine map from output pixels to
// the image's pixels.
#pragma once

#include <array>
#include <cstdint>
#include <random>

namespace actscope {

// Deterministic everywhere: std::mt19937_64 (fully specified by the
// standard) with our own uniform and normal draws.
class VisualRandom {
 public:
  VisualRandom(uint64_t seed, int64_t filter);
  double uniform();                  // in [0, 1)
  int integer(int low, int high);    // uniform in low..high, inclusive
  double normal();                   // standard normal (Box-Muller)

 private:
  std::mt19937_64 engine_;
};

// The transforms' sizes for an image of height x width, lucent's for 224
// scaled in proportion (never below one pixel): the pad (12 at 224), the
// first jitter's reach (4 at 224: shifts of -4..4, lucent's jitter(8) spans 8)
// and the last one's (2 at 224). The pad is recorded, not drawn: with the
// image cut back to its frame, what the moves bring in is the pad's grey.
struct TransformSizes {
  int pad = 12;
  int jitter = 4;
  int late_jitter = 2;
};
TransformSizes transform_sizes(int height, int width);

// One step's transform of one image. The image is padded by `pad` with 0.5
// grey, shifted by (dx, dy), scaled about its centre, rotated about its
// centre, shifted by (late_dx, late_dy) and cut back to its own size, so
// whatever the moves bring into the frame is grey.
struct TransformDraw {
  int dx = 0, dy = 0;
  double scale = 1.0;    // one of 0.90, 0.92, ..., 1.10
  double degrees = 0.0;  // one of -10..10, 0 six times as likely
  int late_dx = 0, late_dy = 0;
};
TransformDraw draw_transform(VisualRandom& random, const TransformSizes& sizes);

// The transform as torch's affine_grid matrix (align_corners false): for an
// output position u in [-1, 1]^2 (x, y), the source position
// [m0 m1 m2; m3 m4 m5] (u_x, u_y, 1). Row-major.
std::array<float, 6> sampling_matrix(const TransformDraw& draw, int height, int width);

}  // namespace actscope
