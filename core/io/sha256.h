// SHA-256 of files, so a manifest pins the exact model and image a figure
// was made from.
#pragma once

#include <string>

#include "core/base/result.h"

namespace actscope {

// How blocks are hashed: kFastest uses the CPU's SHA extensions when it has
// them; kPortable is plain C++ (tests compare the two).
enum class Sha256Engine { kFastest, kPortable };

// Whether kFastest has more than the portable code on this CPU.
bool sha256_has_fast_engine();

// Lowercase hex digest of `bytes`.
std::string sha256_hex(const std::string& bytes, Sha256Engine engine = Sha256Engine::kFastest);

// Lowercase hex digest of the file at `path`; errors name the file.
Result<std::string> sha256_of_file(const std::string& path);

}  // namespace actscope
