// The files of an embedding run (actscope-cli embed, the Embedding view's
// export): DIR/embedding.csv (the columns of predict --dataset's CSV plus
// the coordinates), DIR/embedding.png (embedding_plot.h) and
// DIR/manifest.json (what was embedded, how, and the KL divergence reached).
// Each file is written atomically, the manifest last.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/result.h"
#include "core/embed/embedding_plot.h"
#include "core/embed/features.h"
#include "core/embed/tsne.h"

namespace actscope {

struct EmbeddingRun {
  Features features;                // the rows and what is known of their images
  std::vector<float> layout;        // rows x 2
  std::string method = "tsne";      // or "pca"
  TsneOptions tsne;                 // as used (perplexity lowered for few rows)
  double learning_rate = 0.0;       // t-SNE's step, as used
  double kl_divergence = 0.0;       // t-SNE only
  std::vector<double> explained;    // PCA only: each axis's share of the variance
  std::vector<std::string> labels;  // class names; empty: classes by number
  nlohmann::json source;            // {"model": ..., "dataset": ...} or {"features": ..., "classes": ...}
  std::string subject;              // what the title names when there is no layer: the features file's name
};

// The CSV: index,image,true_class,true_label,predicted_class,predicted_label,
// confidence,correct,x,y; empty cells where unknown. Any thread.
std::string embedding_csv(const EmbeddingRun& run);

// The plot of `layout` (rows x 2) for `features`' rows: coloured by true
// class (the predicted one when unknown), misclassified ones crossed,
// `labels` in the legend (empty: "class i" up to the largest class seen).
ScatterPlot embedding_plot(const Features& features, const std::vector<float>& layout,
                           const std::vector<std::string>& labels, const std::string& title);

// The plot's title: layer (or features file), method, perplexity, N.
std::string embedding_title(const EmbeddingRun& run);

// Writes the three files into `dir` (made when missing); errors name the file.
Status write_embedding(const EmbeddingRun& run, const std::string& dir);

}  // namespace actscope
