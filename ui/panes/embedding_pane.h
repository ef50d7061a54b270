// EmbeddingPane: the Embedding view. Where a dataset's images sit in a
// layer's features, laid out by t-SNE or PCA (core/embed): the plot
// (ScatterView) takes the room; a column on the right chooses the dataset,
// layer, method and perplexity, runs with progress and Cancel, colours the
// points (true class, predicted class, right or wrong), exports the plot,
// and lists the images of a rubber-band selection with "Compare with nearest
// correct" for a wrong one. It only displays and asks: the embedding
// controller computes, reads thumbnails and opens images.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <QImage>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "core/embed/features.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace actscope {

class ScatterView;

// What the user asks to embed.
struct EmbeddingSettings {
  QString layer;               // empty: the penultimate layer
  QString method = QStringLiteral("tsne");  // or "pca"
  double perplexity = 30.0;
  int limit = 0;               // the first images of the dataset; 0: all
};

class EmbeddingPane : public QWidget {
  Q_OBJECT

 public:
  enum ColourBy { kTrueClass, kPredictedClass, kCorrectness };

  explicit EmbeddingPane(QWidget* parent = nullptr);

  // The layers a user may embed, `chosen` selected ("" stands for the penultimate).
  void set_layers(const QStringList& layers, const QString& penultimate);
  void set_dataset(const QString& path);
  QString dataset() const { return dataset_path_; }
  EmbeddingSettings settings() const;
  // A run is going: progress and Cancel.
  void show_running(const QString& what);
  void show_progress(const QString& what, size_t done, size_t total);
  // A message over an empty plot (no dataset, an error, cancelled).
  void show_message(const QString& message);
  // New points: `features`' rows (their images' names and classes; null for
  // none), `labels` naming the classes (empty: "class i"). The selection and
  // hover are cleared.
  void show_images(std::shared_ptr<const Features> features, std::vector<std::string> labels);
  // Their layout now (rows x 2) and the title above it; `final` ends the run.
  void show_layout(std::vector<float> layout, const QString& title, bool final);
  // The thumbnail and text of the hovered point `index` (late answers for
  // a point no longer hovered are ignored).
  void show_hover(int index, const QImage& picture, const QString& text);

  ScatterView* view() const { return view_; }
  // The images listed from the last selection (point indices).
  const std::vector<int>& selection() const { return selection_; }
  // The text that describes point `index` ("name: true -> predicted").
  QString describe(int index) const;
  bool wrong(int index) const;

 Q_SIGNALS:
  void runRequested();
  void cancelRequested();
  void chooseDatasetRequested();
  void exportRequested();
  void pointHovered(int index);
  // Open image `index` (a click); `browse` also goes to its activations (a double-click).
  void imageRequested(int index, bool browse);
  // Compare wrong image `index` with the nearest correctly classified one.
  void compareRequested(int index);

 private:
  QWidget* build_controls();
  QWidget* build_selection();
  void recolour();
  void list_selection(const std::vector<int>& indices);
  QString label(int cls) const;

  ScatterView* view_;
  QLabel* title_;
  QLabel* dataset_label_;
  QString dataset_path_;
  QComboBox* layer_;
  QComboBox* method_;
  QDoubleSpinBox* perplexity_;
  QSpinBox* limit_;
  QPushButton* run_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* progress_text_;
  QComboBox* colour_by_;
  QPushButton* export_;
  QLabel* selection_title_;
  QListWidget* selection_list_;
  QPushButton* compare_;
  std::shared_ptr<const Features> features_;
  std::vector<std::string> labels_;
  std::vector<float> layout_;
  std::vector<int> selection_;
};

}  // namespace actscope
