// The timeline file (timeline.json) as `actscope-cli timeline` writes it:
// {"format": "actscope-timeline", "batch", "images", "dropped", "checkpoints":
// [{"path", "sha256", "accuracy", "layers": [{"name", "dead_filter_fraction",
// "rarely_active_filter_fraction", "cka_to_final"}]}], ...}; a value that
// does not apply (no labels, no maps, a constant layer) is null.
#pragma once

#include <string>

#include "core/similarity/timeline.h"

namespace actscope {

std::string timeline_to_json(const Timeline& timeline);

}  // namespace actscope
