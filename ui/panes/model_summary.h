// ModelSummary: the Model dock: the open model's name, file, input size,
// test accuracy from its card, and any notice about its layers.
#pragma once

#include <QLabel>

namespace actscope {

class Model;

class ModelSummary : public QLabel {
  Q_OBJECT

 public:
  explicit ModelSummary(QWidget* parent = nullptr);

  void show_model(const Model& model);
};

}  // namespace actscope
