// What the engine checks of a .pt file before LibTorch's reader sees it: that
// it is a zip archive whose directory is whole and consistent (see
// core/io/zip_directory.h), laid out as torch.jit.save writes it (every file
// in one top-level folder, with data.pkl and constants.pkl), and not a
// torch.save file, which holds weights or a pickled model but no program.
// No LibTorch here: the fuzz harness runs this on arbitrary bytes. The model
// room then checks that LibTorch's own reader lists the same entries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "core/io/zip_directory.h"

namespace actscope {

// The archive's entries (core/io/zip_directory.h) when the file's `bytes`
// pass, or an error that starts with `path` and says what is wrong.
Result<std::vector<ZipEntry>> check_torchscript_archive_bytes(std::string_view bytes, const std::string& path);

}  // namespace actscope
