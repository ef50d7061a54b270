// SHA-256 digests (OpenSSL's EVP), so a manifest pins the exact model and
// image a figure was made from.
#pragma once

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace actscope {

// Lowercase hex digest of `bytes`. Any thread.
std::string sha256_hex(std::string_view bytes);

// Lowercase hex digest of the file at `path`, read in chunks; errors name
// the file. Any thread.
Result<std::string> sha256_of_file(const std::string& path);

}  // namespace actscope
