// The atlas file (atlas.json), as `actscope-cli scan` writes it and `merge`
// and the desktop program read it: per layer and filter the statistics a
// person reads (fractions, means, top images, flags) and the counts and sums
// they come from, so shards merge exactly after a round trip.
#pragma once

#include <string>

#include "core/atlas/atlas.h"
#include "core/base/result.h"

namespace actscope {

// The JSON text of `atlas` (numbers written so they read back exactly).
std::string atlas_to_json(const Atlas& atlas);

// Reads an atlas from the text of file `path` (named in errors). Errors say
// what is missing or malformed.
Result<Atlas> atlas_from_json(const std::string& text, const std::string& path);

// Reads and parses the file at `path`.
Result<Atlas> read_atlas(const std::string& path);

}  // namespace actscope
