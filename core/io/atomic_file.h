// Writing output files so that a reader never sees half a file: the bytes go
// to a temporary name in the same folder, which is then renamed over the
// target. On failure nothing is left behind.
#pragma once

#include <string>

#include "core/base/result.h"

namespace actscope {

// Writes `bytes` to `path` atomically. Errors name the file or folder and
// say why (missing folder, no permission, disk full). Any thread.
Status write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace actscope
