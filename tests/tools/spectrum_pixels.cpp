// spectrum_pixels: the engine's feature-visualization parametrization alone,
// for tests/cli/check_fft_image.py to compare with a port of lucent's
// fft_image + to_valid_rgb.
//
//   spectrum_pixels SPECTRUM.npy CHANNELS HEIGHT WIDTH OUT.npy
//
// SPECTRUM.npy: float32 [N, C, H, W / 2 + 1 (+1 for odd W), 2]; OUT.npy:
// the pixels [N, C, H, W] (pixels_from_spectrum). Exit 1 with a message on
// stderr for anything wrong.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "core/io/atomic_file.h"
#include "core/io/file_bytes.h"
#include "core/io/npy_reader.h"
#include "core/io/npy_writer.h"
#include "core/visualize/visualize.h"

int main(int argc, char** argv) {
  using namespace actscope;
  if (argc != 6) {
    std::cerr << "usage: spectrum_pixels SPECTRUM.npy CHANNELS HEIGHT WIDTH OUT.npy\n";
    return 2;
  }
  auto bytes = read_file_bytes(argv[1], uint64_t{1} << 30);
  if (!bytes) return std::cerr << bytes.error() << "\n", 1;
  auto array = parse_npy(bytes.value());
  if (!array) return std::cerr << argv[1] << ": " << array.error() << "\n", 1;
  if (array.value().dtype != "<f4") return std::cerr << argv[1] << ": not float32\n", 1;
  std::vector<float> values(array.value().data.size() / sizeof(float));
  std::memcpy(values.data(), array.value().data.data(), values.size() * sizeof(float));
  const FloatArray spectrum(array.value().shape, std::move(values));
  auto pixels = pixels_from_spectrum(spectrum, std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]));
  if (!pixels) return std::cerr << pixels.error() << "\n", 1;
  auto written = write_file_atomically(argv[5], encode_npy(pixels.value().data(), pixels.value().shape()));
  if (!written) return std::cerr << written.error() << "\n", 1;
  return 0;
}
