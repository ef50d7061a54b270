// A dataset's predictions as a CSV file, one row per image, for spreadsheets
// and scripts: index, image, true_class, true_label, predicted_class,
// predicted_label, confidence (six decimals), correct (1 or 0), error (why
// an image that could not be read was skipped: its predicted_class is -1,
// its predicted_label, confidence and correct are empty). Fields with a
// comma, quote or line break are quoted, quotes doubled (RFC 4180).
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/data/dataset.h"
#include "core/model/model_card.h"

namespace actscope {

// `text` as one CSV field: as it is, or quoted when it holds a comma, a
// quote, CR or LF.
std::string csv_field(const std::string& text);

// The CSV text: the header line, then one line per image. Requires
// predictions.size() == images.size() (predictions[i] is of images[i]);
// labels come from `card`. Any thread.
std::string predictions_csv(const std::vector<DatasetImage>& images,
                            const std::vector<DatasetPrediction>& predictions, const ModelCard& card);

// Writes predictions_csv(...) to `path` atomically; errors name the file.
// Same requirements as predictions_csv. Any thread.
Status write_predictions_csv(const std::string& path, const std::vector<DatasetImage>& images,
                             const std::vector<DatasetPrediction>& predictions, const ModelCard& card);

}  // namespace actscope
