// The IDX reader (Fashion-MNIST's format), plain and gzip-compressed: the
// first byte chooses images or labels, the rest is the file. A file that
// reads has exactly count * height * width pixels.
#include "core/io/idx_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool gzip = size > 2 && data[1] == 0x1f && data[2] == 0x8b;
  if (data[0] & 1) {
    const std::string path =
        actscope::fuzz::write_scratch(gzip ? "t10k-labels-idx1-ubyte.gz" : "t10k-labels-idx1-ubyte", data + 1, size - 1);
    actscope::read_idx_labels(path);
  } else {
    const std::string path =
        actscope::fuzz::write_scratch(gzip ? "t10k-images-idx3-ubyte.gz" : "t10k-images-idx3-ubyte", data + 1, size - 1);
    auto images = actscope::read_idx_images(path);
    if (images.ok()) {
      const auto& read = images.value();
      if (read.pixels.size() != static_cast<size_t>(read.count) * read.height * read.width) __builtin_trap();
    }
  }
  return 0;
}
