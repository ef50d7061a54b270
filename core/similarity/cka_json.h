// The CKA file (cka.json), as `actscope-cli cka` writes it and `merge` reads
// it: the matrix a person reads and the HSIC sums it comes from, so shards
// merge exactly after a round trip ("format": "actscope-cka").
#pragma once

#include <string>

#include "core/base/result.h"
#include "core/similarity/cka.h"

namespace actscope {

// The JSON text of `run` (numbers written so they read back exactly; a CKA
// that is not a number, for a constant layer, is null).
std::string cka_to_json(const CkaRun& run);

// Reads a run from the text of file `path` (named in errors). Errors say
// what is missing or malformed.
Result<CkaRun> cka_from_json(const std::string& text, const std::string& path);

}  // namespace actscope
