// The checks a .pt file passes before LibTorch's reader sees it: the zip
// directory (sizes, offsets, zip64, overlaps, declared expansion) and the
// layout torch.jit.save writes. An archive that passes has every entry's
// data inside the bytes, and no two entries share bytes.
#include <string_view>

#include "core/io/zip_directory.h"
#include "core/model/torchscript_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  actscope::check_torchscript_archive_bytes(bytes, "fuzz.pt");
  auto entries = actscope::read_zip_directory_of_bytes(bytes);
  if (!entries.ok()) return 0;
  uint64_t stored = 0;
  for (const auto& entry : entries.value()) {
    if (entry.data_offset > size || entry.compressed_size > size - entry.data_offset) __builtin_trap();
    stored += entry.compressed_size;
  }
  if (stored > size) __builtin_trap();
  return 0;
}
