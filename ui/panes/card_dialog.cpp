#include "ui/panes/card_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
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

// "0.485, 0.456, 0.406" or "0.485 0.456 0.406" -> numbers; nullopt when a
// part is not a number.
std::optional<std::vector<float>> parse_numbers(const QString& text) {
  std::vector<float> numbers;
  static const QRegularExpression kSeparators(QStringLiteral("[,;\\s]+"));
  for (const QString& part : text.split(kSeparators, Qt::SkipEmptyParts)) {
    bool ok = false;
    const float value = part.trimmed().toFloat(&ok);
    if (!ok) return std::nullopt;
    numbers.push_back(value);
  }
  return numbers;
}

struct Preset {
  const char* name;
  int channels;  // 0: any
  const char* mean;
  const char* std;
};

// torchvision's ImageNet statistics; [0, 1] leaves pixels as they are; [-1, 1] is (x - 0.5) / 0.5.
const Preset kPresets[] = {{"ImageNet (3 channels)", 3, "0.485, 0.456, 0.406", "0.229, 0.224, 0.225"},
                           {"[0, 1]: pixels as they are", 0, "0", "1"},
                           {"[-1, 1]", 0, "0.5", "0.5"},
                           {"Custom", 0, nullptr, nullptr}};

QLabel* problem_label(const char* object_name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(QString::fromLatin1(object_name));
  label->setStyleSheet(QStringLiteral("color: #b00020"));
  label->setWordWrap(true);
  label->hide();
  return label;
}

}  // namespace

CardDialog::CardDialog(const QString& model_name, int suggested_channels, QWidget* parent)
    : QDialog(parent),
      channels_(spin_box(1, 3, suggested_channels == 1 ? 1 : 3, "channels", this)),
      height_(spin_box(1, 8192, 224, "height", this)),
      width_(spin_box(1, 8192, 224, "width", this)),
      mean_(new QLineEdit(this)),
      std_(new QLineEdit(this)),
      problem_(new QLabel(this)),
      mean_problem_(problem_label("meanProblem", this)),
      std_problem_(problem_label("stdProblem", this)),
      preset_(new QComboBox(this)),
      save_(new QCheckBox(tr("Save as %1.json next to the model, so it is not asked again").arg(model_name), this)) {
  setObjectName(QStringLiteral("cardDialog"));
  setWindowTitle(tr("Input of %1").arg(model_name));
  mean_->setObjectName(QStringLiteral("mean"));
  std_->setObjectName(QStringLiteral("std"));
  // No placeholder that could pass for a value: the boxes start empty and say so.
  mean_->setPlaceholderText(tr("required: type it, or choose a normalization above"));
  std_->setPlaceholderText(tr("required: type it, or choose a normalization above"));
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  preset_->setObjectName(QStringLiteral("normalizationPreset"));
  preset_->setToolTip(tr("Fills mean and std with a usual normalization; Custom lets you type them"));
  for (const Preset& preset : kPresets) preset_->addItem(tr(preset.name));
  preset_->setCurrentIndex(3);
  connect(preset_, qOverload<int>(&QComboBox::activated), this, &CardDialog::apply_preset);
  // A message speaks of what was typed: it goes as soon as that changes.
  connect(mean_, &QLineEdit::textChanged, this, [this] { mean_problem_->hide(); problem_->clear(); });
  connect(std_, &QLineEdit::textChanged, this, [this] { std_problem_->hide(); problem_->clear(); });
  connect(channels_, qOverload<int>(&QSpinBox::valueChanged), this, [this] {
    mean_problem_->hide();
    std_problem_->hide();
    problem_->clear();
  });
  save_->setObjectName(QStringLiteral("saveSidecar"));
  save_->setToolTip(tr("Writes the card as JSON beside the model file (the folder must be writable)"));
  channels_->setToolTip(tr("1 for gray images, 3 for color"));
  height_->setToolTip(tr("The input height the model was trained with"));
  width_->setToolTip(tr("The input width the model was trained with"));
  mean_->setToolTip(tr("Subtracted from pixels on [0, 1]: one value, or one per channel"));
  std_->setToolTip(tr("Pixels are divided by it after the mean: one value, or one per channel"));
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
  form->addRow(tr("Normalization"), preset_);
  form->addRow(tr("Mean"), mean_);
  form->addRow(QString(), mean_problem_);
  form->addRow(tr("Std"), std_);
  form->addRow(QString(), std_problem_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &CardDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &CardDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addWidget(save_);
  layout->addWidget(buttons);
}

bool CardDialog::save_sidecar() const { return save_->isChecked(); }

void CardDialog::apply_preset(int index) {
  const Preset& preset = kPresets[index];
  if (!preset.mean) return;  // Custom: what is typed stays
  if (preset.channels > 0) channels_->setValue(preset.channels);
  mean_->setText(QString::fromLatin1(preset.mean));
  std_->setText(QString::fromLatin1(preset.std));
}

std::optional<std::vector<float>> CardDialog::read_field(const QLineEdit* field, QLabel* problem,
                                                         const QString& name) {
  const auto numbers = parse_numbers(field->text());
  QString why;
  if (field->text().trimmed().isEmpty()) {
    why = tr("Enter the %1 the model was trained with (or choose a normalization above).").arg(name);
  } else if (!numbers) {
    why = tr("The %1 must be numbers, separated by commas or spaces.").arg(name);
  } else if (numbers->size() != 1 && static_cast<int>(numbers->size()) != channels_->value()) {
    why = tr("Give one %1 value (used for every channel) or %2 values, one per channel; %3 were given.")
              .arg(name)
              .arg(channels_->value())
              .arg(numbers->size());
  }
  problem->setText(why);
  problem->setVisible(!why.isEmpty());
  if (!why.isEmpty()) return std::nullopt;
  return numbers;
}

void CardDialog::accept() {
  const auto mean = read_field(mean_, mean_problem_, tr("mean"));
  const auto std = read_field(std_, std_problem_, tr("std"));
  if (!mean || !std) return;
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
