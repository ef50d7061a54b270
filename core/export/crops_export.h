// The crops of a filter atlas as files: for every filter of every layer of
// an atlas, its top images cut to the unit's receptive field
// (core/atlas/crops.h), in one tile: DIR/crops/<layer>/<filter>.png.
#pragma once

#include <functional>
#include <string>

#include "core/atlas/atlas.h"
#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/model/model.h"

namespace actscope {

// Writes the tiles (each atomically) and returns how many. `dataset` is the
// one the atlas scanned, opened for `model`'s card. `progress(done, total)`
// after each layer; returning false stops ("cancelled"). Errors name the
// image that cannot be read or the file that cannot be written. One call at
// a time per Model; any thread.
Result<int> write_atlas_crops(const Model& model, const Dataset& dataset, const Atlas& atlas, const std::string& dir,
                              const std::function<bool(size_t done, size_t total)>& progress = {});

}  // namespace actscope
