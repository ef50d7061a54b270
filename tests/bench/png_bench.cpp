// PNG encoding of every grid an `activations` export writes: actscope's
// repeats encoder (encode_rgb_png, kAuto) against libdeflate at levels 1, 2
// and 3 (zlib stream of the unfiltered scanlines), on resnet18 (84 layers)
// and the bundled model. Prints each encoder's time and bytes over all the
// grids (median of the rounds), then the whole export's time with each, as a
// ratio to ours: measured (export_activations, capture included, into one
// folder, rounds interleaved) with ours and with libdeflate level 1 (the
// export's PngCompression::kGeneral); for levels 2 and 3 the export with
// ours less our encoding time plus theirs (the rest is the same code). One
// thread: the export's layers then run one after another.
//
//   bench_png [--rounds N]
#include <libdeflate.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/export/layer_export.h"
#include "core/io/png_writer.h"
#include "core/maps/layer_view.h"
#include "core/model/image_input.h"
#include "core/model/model.h"
#include "tests/bench/bench_support.h"

namespace {

using actscope::bench::median;
using actscope::bench::time_ms;

void append_be32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

void append_chunk(std::string& out, const char* type, const std::string& data) {
  append_be32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out += type;
  out += data;
  append_be32(out, libdeflate_crc32(0, out.data() + start, out.size() - start));
}

// A PNG of the RGB pixels, its unfiltered scanlines deflated by libdeflate.
std::string libdeflate_png(const actscope::RgbImage& image, libdeflate_compressor* compressor) {
  const size_t row = static_cast<size_t>(image.width) * 3;
  std::string scanlines;
  scanlines.reserve((row + 1) * image.height);
  for (int y = 0; y < image.height; ++y) {
    scanlines += '\0';
    scanlines.append(reinterpret_cast<const char*>(image.pixels.data()) + y * row, row);
  }
  std::string deflated(libdeflate_zlib_compress_bound(compressor, scanlines.size()), '\0');
  deflated.resize(libdeflate_zlib_compress(compressor, scanlines.data(), scanlines.size(), deflated.data(),
                                           deflated.size()));
  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  append_be32(header, static_cast<uint32_t>(image.width));
  append_be32(header, static_cast<uint32_t>(image.height));
  header += std::string("\x08\x02\0\0\0", 5);
  append_chunk(out, "IHDR", header);
  append_chunk(out, "IDAT", deflated);
  append_chunk(out, "IEND", "");
  return out;
}

struct Encoded {
  double ms = 0;
  size_t bytes = 0;
};

template <typename Encode>
Encoded encode_all(const std::vector<actscope::RgbImage>& grids, int rounds, Encode&& encode) {
  std::vector<double> times;
  size_t bytes = 0;
  for (int round = 0; round < rounds; ++round) {
    bytes = 0;
    times.push_back(time_ms([&] {
      for (const auto& grid : grids) bytes += encode(grid).size();
    }));
  }
  return {median(times), bytes};
}

void bench_model(const std::string& path, const std::string& input_size, int channels, int rounds) {
  auto model = actscope::Model::load(path);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().c_str());
    std::exit(1);
  }
  actscope::CardOverrides size;
  size.input_size = input_size;
  model.value()->set_card(actscope::apply_card_overrides(model.value()->card(), size, channels).value());
  auto image = actscope::load_image(std::string(ACTSCOPE_SOURCE_DIR) + "/resources/samples/01557_bag.png",
                                    model.value()->card());
  auto captured = model.value()->capture({image.value()});
  if (!captured) {
    std::fprintf(stderr, "%s\n", captured.error().c_str());
    std::exit(1);
  }
  std::vector<actscope::RgbImage> grids;
  for (const auto& activation : captured.value().activations) {
    auto view = actscope::render_layer(*model.value(), activation, 0, "01557_bag.png", actscope::ViewOptions{});
    if (view) grids.push_back(view.value().grid.image);
  }
  const auto folder = std::filesystem::temp_directory_path() / ("actscope-bench-png-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  std::vector<double> export_times, general_times;
  actscope::ExportOptions general;
  general.png_compression = actscope::PngCompression::kGeneral;
  for (int round = 0; round < rounds; ++round) {
    export_times.push_back(time_ms([&] {
      actscope::export_activations(*model.value(), image.value(), path, folder.string(), actscope::ExportOptions{});
    }));
    general_times.push_back(time_ms([&] {
      actscope::export_activations(*model.value(), image.value(), path, folder.string(), general);
    }));
  }
  std::filesystem::remove_all(folder);
  const double export_ms = median(export_times);
  const double general_ms = median(general_times);
  const Encoded ours = encode_all(grids, rounds, [](const actscope::RgbImage& grid) {
    return actscope::encode_rgb_png(grid.pixels.data(), grid.width, grid.height);
  });
  const std::string name = path.substr(path.rfind('/') + 1);
  std::printf("%s: %zu grids, export %.1f ms with ours\n", name.c_str(), grids.size(), export_ms);
  std::printf("  %-14s encode %8.2f ms  %9zu bytes  export %8.1f ms  export ratio 1.00\n", "ours", ours.ms, ours.bytes,
              export_ms);
  for (int level = 1; level <= 3; ++level) {
    libdeflate_compressor* compressor = libdeflate_alloc_compressor(level);
    const Encoded other =
        encode_all(grids, rounds, [&](const actscope::RgbImage& grid) { return libdeflate_png(grid, compressor); });
    libdeflate_free_compressor(compressor);
    const double other_export = level == 1 ? general_ms : export_ms - ours.ms + other.ms;
    std::printf("  libdeflate %-3d encode %8.2f ms  %9zu bytes  export %8.1f ms  export ratio %.2f%s\n", level,
                other.ms, other.bytes, other_export, other_export / export_ms, level == 1 ? " (measured)" : "");
  }
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 7;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
  }
  actscope::set_thread_count(1);
  bench_model(std::string(ACTSCOPE_FIXTURE_DIR) + "/resnet18_scripted.pt", "224x224", 3, rounds);
  bench_model(std::string(ACTSCOPE_SOURCE_DIR) + "/resources/models/fashion_cnn.pt", "28x28", 1, rounds);
  return 0;
}
