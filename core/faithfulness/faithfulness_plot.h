// Faithfulness drawn for people (faithfulness.png, and the desktop program's
// All Methods view): the deletion and insertion curves of each method side
// by side, both axes named, a legend of the methods' colours, and a table of
// each metric's mean (and spread over images) per method, the best of each
// column marked. Any thread.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/base/rgb_image.h"
#include "core/faithfulness/faithfulness_run.h"

namespace actscope {

// One method's line and table row.
struct FaithfulnessSeries {
  std::string method;
  std::vector<double> deletion;   // scores at the curve's x
  std::vector<double> insertion;
  std::vector<double> means;      // by faithfulness_metrics()
  std::vector<double> spreads;    // the same, or empty (one image: no spread)
};

// The colour of a method: the random baseline gray, the others from the class palette.
std::array<uint8_t, 3> method_colour(const std::string& method, size_t index, size_t count);

// The best row of each metric's column (the largest value, or the smallest
// where a smaller value speaks for the map); -1 when no row has a number or
// every row has the same.
std::vector<int> best_rows(const std::vector<FaithfulnessSeries>& series);
// Whether row `row`'s value of `metric` is the column's best: rows whose
// value prints as the best's with three decimals (as the table shows it)
// are all best; none is when every row ties.
bool is_best(const std::vector<FaithfulnessSeries>& series, size_t row, size_t metric);

// The picture: `title`, a subtitle line, the two panels over `curve_x`
// (scores as `score` says), the legend and the table; `width` at least 900.
RgbImage draw_faithfulness(const std::vector<FaithfulnessSeries>& series, const std::vector<double>& curve_x,
                           FaithfulnessScore score, const std::string& title, const std::string& subtitle,
                           int width = 1200);

// The series of a run's summary (means over its images).
std::vector<FaithfulnessSeries> summary_series(const FaithfulnessRun& run);

}  // namespace actscope
