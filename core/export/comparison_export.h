// Two images compared at one layer, written as a folder of files: A's and
// B's grids on one shared scale (a.png, b.png), the difference A - B
// (difference.png), the comparison sheet (sheet.png), every filter ranked by
// how differently it fires (ranking.json), and manifest.json, written last,
// which records the model, the layer, each image's prediction and the
// sha256 of the other five files.
#pragma once

#include <array>
#include <string>

#include "core/base/result.h"
#include "core/explain/compare.h"
#include "core/explain/compare_sheet.h"
#include "core/model/model_card.h"

namespace actscope {

// What a comparison is made of.
struct ComparisonRecord {
  std::string model_path;                  // the model's file (recorded absolute)
  std::string layer;                       // the layer compared
  std::array<std::string, 2> image_paths;  // A's and B's files, as the user named them
  std::array<ImageExplanation, 2> images;  // explain_image's result for A and for B
  LayerComparison comparison;              // compare_layer's result for A and B at `layer`
};

// Composes the figures of `record` (compose_comparison with `top_filters`
// rows of most different filters; class names from `card`) and writes the
// six files into the existing folder `out_dir`, replacing files of the same
// names. Returns the path of manifest.json; errors name the file or folder
// and say why (a missing folder writes nothing). Any thread.
Result<std::string> write_comparison(const std::string& out_dir, const ModelCard& card,
                                     const ComparisonRecord& record, int top_filters = 6);

}  // namespace actscope
