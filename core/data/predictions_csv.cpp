#include "core/data/predictions_csv.h"

#include <cstdio>

#include "core/io/atomic_file.h"

namespace actscope {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string predictions_csv(const std::vector<DatasetImage>& images,
                            const std::vector<DatasetPrediction>& predictions, const ModelCard& card) {
  std::string csv = "index,image,true_class,true_label,predicted_class,predicted_label,confidence,correct,error\n";
  for (size_t i = 0; i < images.size(); ++i) {
    const DatasetPrediction& p = predictions[i];
    csv += std::to_string(i) + "," + csv_field(images[i].name) + "," + std::to_string(p.true_class) + "," +
           csv_field(card.label(p.true_class)) + ",";
    if (p.unreadable()) {  // skipped: no prediction, and why
      csv += "-1,,,," + csv_field(p.error) + "\n";
      continue;
    }
    char confidence[32];
    std::snprintf(confidence, sizeof confidence, "%.6f", p.confidence);
    csv += std::to_string(p.predicted_class) + "," + csv_field(card.label(p.predicted_class)) + "," + confidence +
           "," + (p.true_class == p.predicted_class ? "1" : "0") + ",\n";
  }
  return csv;
}

Status write_predictions_csv(const std::string& path, const std::vector<DatasetImage>& images,
                             const std::vector<DatasetPrediction>& predictions, const ModelCard& card) {
  return write_file_atomically(path, predictions_csv(images, predictions, card));
}

}  // namespace actscope
