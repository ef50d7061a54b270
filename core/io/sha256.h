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
// Remembered by path, size and modification time. Any thread.
Result<std::string> sha256_of_file(const std::string& path);

// Starts hashing the file at `path` on a thread of its own, so that a later
// sha256_of_file (a manifest, written after a long run) finds the digest
// ready. Does nothing when it is known already. Any thread.
void prefetch_sha256_of_file(const std::string& path);

}  // namespace actscope
