// Asks for the input of a model that has no card (no embedded actscope.json
// and no sidecar JSON): size, resize and centre crop, normalization and class
// names. Presets chosen explicitly fill the fields (torchvision's ImageNet
// evaluation: Resize 256, CenterCrop 224, mean/std and the 1,000 class names;
// [0, 1]; [-1, 1]); Custom, the default, leaves them empty. A line says in
// words what will be done with each image; a blank or mismatched field is
// refused with a message beside it; the answer can be saved as a sidecar
// card next to the model.
#pragma once

#include <QDialog>

#include "core/model/model_card.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace actscope {

class CardDialog : public QDialog {
  Q_OBJECT

 public:
  // `suggested_channels` comes from the model's first conv layer (0: unknown).
  CardDialog(const QString& model_name, int suggested_channels, QWidget* parent = nullptr);

  // Fills the fields the overrides give (the window's --resize, --crop,
  // --labels), so the dialog shows what will be done.
  void prefill(const CardOverrides& overrides);

  // The card typed in; valid once the dialog was accepted.
  const ModelCard& card() const { return card_; }
  // Whether the user asked to save it as a sidecar card (net.pt.json).
  bool save_sidecar() const;

  void accept() override;

 private:
  void build_layout();
  void apply_preset(int index);
  void describe_plan();
  // The numbers of `field`, or nullopt after saying at `problem` what is wrong.
  std::optional<std::vector<float>> read_field(const QLineEdit* field, QLabel* problem, const QString& name);

  QSpinBox* channels_;
  QSpinBox* height_;
  QSpinBox* width_;
  QLineEdit* mean_;
  QLineEdit* std_;
  QLabel* problem_;
  QLabel* mean_problem_;
  QLabel* std_problem_;
  QComboBox* preset_;
  QSpinBox* resize_;
  QLineEdit* labels_;
  QLabel* plan_;
  QCheckBox* save_;
  ModelCard card_;
};

}  // namespace actscope
