// transform_draws: per-image random numbers and the transforms' geometry.
#include "core/visualize/transform_draws.h"

#include <algorithm>
#include <cmath>

namespace actscope {
namespace {

constexpr double kPi = 3.14159265358979323846;

}  // namespace

VisualRandom::VisualRandom(uint64_t seed, int64_t filter) {
  std::seed_seq sequence{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                         static_cast<uint32_t>(filter + 1), static_cast<uint32_t>((filter + 1) >> 32)};
  engine_.seed(sequence);
}

double VisualRandom::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

int VisualRandom::integer(int low, int high) {
  const uint64_t span = static_cast<uint64_t>(high - low) + 1;
  return low + static_cast<int>(engine_() % span);
}

double VisualRandom::normal() {
  const double u1 = 1.0 - uniform();  // in (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

TransformSizes transform_sizes(int height, int width) {
  const double ratio = std::max(height, width) / 224.0;
  auto scaled = [&](double at_224) { return std::max(1, static_cast<int>(std::lround(at_224 * ratio))); };
  return TransformSizes{scaled(12), scaled(4), scaled(2)};
}

TransformDraw draw_transform(VisualRandom& random, const TransformSizes& sizes) {
  TransformDraw draw;
  draw.dx = random.integer(-sizes.jitter, sizes.jitter);
  draw.dy = random.integer(-sizes.jitter, sizes.jitter);
  draw.scale = 1.0 + (random.integer(0, 10) - 5) / 50.0;
  const int angle = random.integer(0, 25);  // lucent's list(range(-10, 11)) + 5 * [0]
  draw.degrees = angle <= 20 ? angle - 10 : 0;
  draw.late_dx = random.integer(-sizes.late_jitter, sizes.late_jitter);
  draw.late_dy = random.integer(-sizes.late_jitter, sizes.late_jitter);
  return draw;
}

std::array<float, 6> sampling_matrix(const TransformDraw& draw, int height, int width) {
  // In pixels about the centre, the forward move of a point q is
  // o = s R(theta) (q + d) + d_late; its inverse q = R(-theta) (o - d_late) / s - d.
  const double radians = draw.degrees * kPi / 180.0;
  const double c = std::cos(radians) / draw.scale;
  const double s = std::sin(radians) / draw.scale;
  // A = R(-theta) / s = [c s; -s c]; b = -A d_late - d.
  const double a00 = c, a01 = s, a10 = -s, a11 = c;
  const double b0 = -(a00 * draw.late_dx + a01 * draw.late_dy) - draw.dx;
  const double b1 = -(a10 * draw.late_dx + a11 * draw.late_dy) - draw.dy;
  // Normalized coordinates: u = 2 p / size for p in pixels about the centre.
  const double sx = 2.0 / width, sy = 2.0 / height;
  return {static_cast<float>(a00), static_cast<float>(a01 * sx / sy), static_cast<float>(b0 * sx),
          static_cast<float>(a10 * sy / sx), static_cast<float>(a11), static_cast<float>(b1 * sy)};
}

}  // namespace actscope
