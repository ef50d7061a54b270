// SHA-256 of files, so a manifest pins the exact model and image a figure
// was made from.
#pragma once

#include <string>

#include "core/base/result.h"

namespace actscope {

// Lowercase hex digest of `bytes`.
std::string sha256_hex(const std::string& bytes);

// Lowercase hex digest of the file at `path`; errors name the file.
Result<std::string> sha256_of_file(const std::string& path);

}  // namespace actscope
