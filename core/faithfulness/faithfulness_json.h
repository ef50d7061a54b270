// The faithfulness file (faithfulness.json), as `actscope-cli faithfulness`
// writes it and `merge` reads it ("format": "actscope-faithfulness"): every
// image's metrics and curves per method, and the summary (count, sum, mean
// and population spread of each metric; the mean curves) computed from them,
// so that merged shards give what one run gives.
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/faithfulness/faithfulness_run.h"

namespace actscope {

// The JSON text of `run`; `labels` name the classes (may be empty).
std::string faithfulness_to_json(const FaithfulnessRun& run, const std::vector<std::string>& labels = {});

// Reads a run from the text of file `path` (named in errors).
Result<FaithfulnessRun> faithfulness_from_json(const std::string& text, const std::string& path);

}  // namespace actscope
