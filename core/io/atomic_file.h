// The io room: files in and out, knowing nothing of models: atomic writes
// (here), .npy (npy_writer.h), PNG (png_writer.h), sha256 (sha256.h), image
// headers read before decoding (image_header.h) and IDX files (idx_file.h).
// Only the base room is below it.
//
// Writing output files so that a reader never sees half a file: the bytes go
// to a temporary name in the same folder, which is then renamed over the
// target. On failure nothing is left behind. A target that is a device or
// a pipe (/dev/stdout, a FIFO) is written directly: renaming over it would
// replace the device.
#pragma once

#include <string>

#include "core/base/result.h"

namespace actscope {

// Writes `bytes` to `path` atomically. Errors name the file or folder and
// say why (missing folder, no permission, disk full). Any thread but the
// GUI thread (core/base/gui_thread.h), where it refuses.
Status write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace actscope
