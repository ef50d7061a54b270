#include "ui/panes/card_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace actscope {
namespace {

QSpinBox* spin_box(int minimum, int maximum, int value, const char* object_name, QWidget* parent) {
  auto* box = new QSpinBox(parent);
  box->setRange(minimum, maximum);
  box->setValue(value);
  box->setObjectName(QString::fromLatin1(object_name));
  return box;
}

// "0.485, 0.456, 0.406" -> numbers; nullopt when a part is not a number.
std::optional<std::vector<float>> parse_numbers(const QString& text) {
  std::vector<float> numbers;
  for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    bool ok = false;
    const float value = part.trimmed().toFloat(&ok);
    if (!ok) return std::nullopt;
    numbers.push_back(value);
  }
  return numbers;
}

}  // namespace

CardDialog::CardDialog(const QString& model_name, int suggested_channels, QWidget* parent)
    : QDialog(parent),
      channels_(spin_box(1, 3, suggested_channels == 1 ? 1 : 3, "channels", this)),
      height_(spin_box(1, 8192, 224, "height", this)),
      width_(spin_box(1, 8192, 224, "width", this)),
      mean_(new QLineEdit(this)),
      std_(new QLineEdit(this)),
      problem_(new QLabel(this)) {
  setObjectName(QStringLiteral("cardDialog"));
  setWindowTitle(tr("Input of %1").arg(model_name));
  mean_->setObjectName(QStringLiteral("mean"));
  std_->setObjectName(QStringLiteral("std"));
  mean_->setPlaceholderText(tr("0, or one per channel: 0.485, 0.456, 0.406"));
  std_->setPlaceholderText(tr("1, or one per channel: 0.229, 0.224, 0.225"));
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  problem_->setWordWrap(true);

  auto* intro =
      new QLabel(tr("This model has no card (actscope.json), so its input size and normalization are "
                    "unknown. Enter what it was trained with."),
                 this);
  intro->setWordWrap(true);
  auto* form = new QFormLayout;
  form->addRow(tr("Channels"), channels_);
  form->addRow(tr("Height"), height_);
  form->addRow(tr("Width"), width_);
  form->addRow(tr("Mean"), mean_);
  form->addRow(tr("Std"), std_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &CardDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &CardDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addWidget(buttons);
}

void CardDialog::accept() {
  const auto mean = parse_numbers(mean_->text());
  const auto std = parse_numbers(std_->text());
  if (!mean || !std) {
    problem_->setText(tr("Mean and std must be numbers separated by commas."));
    return;
  }
  CardOverrides typed;
  typed.channels = channels_->value();
  typed.input_size = QStringLiteral("%1x%2").arg(height_->value()).arg(width_->value()).toStdString();
  typed.mean = *mean;
  typed.std = *std;
  auto card = apply_card_overrides(ModelCard{}, typed, channels_->value());
  if (!card) {
    problem_->setText(QString::fromStdString(card.error()));
    return;
  }
  card_ = std::move(card).value();
  QDialog::accept();
}

}  // namespace actscope
