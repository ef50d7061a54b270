// Reading a whole input file once into memory, so that what is checked is
// exactly what the decoder or loader then reads: images and models are
// checked and decoded from the same buffer, never opened a second time by
// path (a file replaced in between would skip the check).
#pragma once

#include <cstdint>
#include <string>

#include "core/base/result.h"

namespace actscope {

// The bytes of the file at `path` (a regular file, or a pipe such as a FIFO
// or /dev/stdin, read to its end). Refuses a folder, a missing file and a
// file of more than `most_bytes`; errors start with `path` and say why.
// Any thread.
Result<std::string> read_file_bytes(const std::string& path, uint64_t most_bytes);

}  // namespace actscope
