// ModelSummary: the Model dock: the open model's name, file, input size,
// test accuracy from its card, any notice about its layers, and the
// browsed layer's receptive field.
#pragma once

#include <QLabel>

namespace actscope {

class Model;

class ModelSummary : public QLabel {
  Q_OBJECT

 public:
  explicit ModelSummary(QWidget* parent = nullptr);

  void show_model(const Model& model);
  // Adds the browsed layer's receptive field ("" for none) under the model's lines.
  void show_layer_field(const QString& layer, const QString& field);

 private:
  QString model_text_;
};

}  // namespace actscope
