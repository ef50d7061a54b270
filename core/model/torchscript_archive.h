// What the engine checks of a .pt file before LibTorch's reader sees it: that
// it is a zip archive whose directory is whole and consistent (see
// core/io/zip_directory.h), laid out as torch.jit.save writes it (every file
// in one top-level folder, with data.pkl and constants.pkl), and not a
// torch.save file, which holds weights or a pickled model but no program.
// No LibTorch here: the fuzz harness runs this on arbitrary bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace actscope {

// Done, or an error that starts with `path` and says what is wrong.
Status check_torchscript_archive(const std::string& path);
// The same for the file's bytes already in memory; `path` names them.
Status check_torchscript_archive_bytes(std::string_view bytes, const std::string& path);

}  // namespace actscope
