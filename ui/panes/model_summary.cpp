#include "ui/panes/model_summary.h"

#include <QFileInfo>
#include <QStringList>

#include "core/model/model.h"

namespace actscope {

ModelSummary::ModelSummary(QWidget* parent) : QLabel(parent) {
  setObjectName(QStringLiteral("modelSummary"));
  setAlignment(Qt::AlignTop | Qt::AlignLeft);
  setMargin(6);
  setWordWrap(true);
  setTextFormat(Qt::RichText);
}

void ModelSummary::show_model(const Model& model) {
  const ModelCard& card = model.card();
  QString text = QStringLiteral("<b>%1</b><br>%2<br>input %3 x %4 x %5")
                     .arg(QString::fromStdString(card.name).toHtmlEscaped(),
                          QFileInfo(QString::fromStdString(model.path())).fileName().toHtmlEscaped())
                     .arg(card.channels)
                     .arg(card.height)
                     .arg(card.width);
  auto numbers = [](const std::vector<float>& values) {
    QStringList texts;
    for (float value : values) texts << QString::number(value, 'g', 4);
    return texts.join(QStringLiteral(", "));
  };
  text += QStringLiteral("<br>mean %1, std %2").arg(numbers(card.mean), numbers(card.std));
  static const char* const kSources[] = {"no card", "card inside the model", "sidecar card", "typed in"};
  text += QStringLiteral("<br><i>%1</i>").arg(QString::fromLatin1(kSources[static_cast<int>(model.card_source())]));
  if (card.test_accuracy) {
    text += QStringLiteral("<br>test accuracy %1%").arg(*card.test_accuracy * 100.0, 0, 'f', 2);
  }
  if (!model.layers_notice().empty()) {
    text +=
        QStringLiteral("<br><i>%1</i>").arg(QString::fromStdString(model.layers_notice()).toHtmlEscaped());
  }
  model_text_ = text;
  setText(text);
}

void ModelSummary::show_layer_field(const QString& layer, const QString& field) {
  if (layer.isEmpty() || field.isEmpty()) {
    setText(model_text_);
    return;
  }
  setText(model_text_ + tr("<br><b>%1</b>: receptive field %2").arg(layer.toHtmlEscaped(), field.toHtmlEscaped()));
}

}  // namespace actscope
