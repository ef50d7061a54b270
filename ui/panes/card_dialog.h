// Asks for the input size and normalization of a model that has no card
// (no embedded actscope.json and no sidecar JSON).
#pragma once

#include <QDialog>

#include "core/model/model_card.h"

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

  // The card typed in; valid once the dialog was accepted.
  const ModelCard& card() const { return card_; }

  void accept() override;

 private:
  QSpinBox* channels_;
  QSpinBox* height_;
  QSpinBox* width_;
  QLineEdit* mean_;
  QLineEdit* std_;
  QLabel* problem_;
  ModelCard card_;
};

}  // namespace actscope
