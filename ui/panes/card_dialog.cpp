#include "ui/panes/card_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/base/version.h"

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
  int size = 0;           // the input's height and width; 0 keeps what is typed
  int resize = 0;         // the shorter side before the centre crop; 0 keeps what is typed
  bool imagenet_names = false;  // the 1,000 ImageNet class names
};

// Custom first (nothing filled in for the user); torchvision's ImageNet
// evaluation (Resize 256, CenterCrop 224, its mean and std, its class
// names) or its statistics alone; [0, 1] leaves pixels as they are; [-1, 1]
// is (x - 0.5) / 0.5.
const Preset kPresets[] = {
    {"Custom: type mean and std", 0, nullptr, nullptr},
    {"ImageNet (Resize 256, CenterCrop 224, mean/std, 1,000 class names)", 3, "0.485, 0.456, 0.406",
     "0.229, 0.224, 0.225", 224, 256, true},
    {"ImageNet mean/std only (3 channels)", 3, "0.485, 0.456, 0.406", "0.229, 0.224, 0.225"},
    {"[0, 1]: pixels as they are", 0, "0", "1"},
    {"[-1, 1]: (x - 0.5) / 0.5", 0, "0.5", "0.5"}};

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
      resize_(spin_box(0, 8192, 0, "resize", this)),
      labels_(new QLineEdit(this)),
      plan_(new QLabel(this)),
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
  preset_->setToolTip(tr("Fills the fields below with a usual choice; Custom leaves them to you"));
  for (const Preset& preset : kPresets) preset_->addItem(tr(preset.name));
  preset_->setCurrentIndex(0);
  connect(preset_, qOverload<int>(&QComboBox::activated), this, &CardDialog::apply_preset);
  resize_->setSpecialValueText(tr("none: stretch to the input size"));
  resize_->setToolTip(tr("torchvision's Resize(S) then CenterCrop: the shorter side to S pixels (bilinear, "
                         "antialiased), then the centre cut to the input size. None stretches the image"));
  labels_->setObjectName(QStringLiteral("labelsFile"));
  labels_->setPlaceholderText(tr("optional: a text file, one class name per line"));
  labels_->setToolTip(tr("Class names in the order of the model's outputs, one per line"));
  plan_->setObjectName(QStringLiteral("cardPlan"));
  plan_->setWordWrap(true);
  // A message speaks of what was typed: it goes as soon as that changes.
  auto changed = [this] {
    mean_problem_->hide();
    std_problem_->hide();
    problem_->clear();
    describe_plan();
  };
  connect(mean_, &QLineEdit::textChanged, this, changed);
  connect(std_, &QLineEdit::textChanged, this, changed);
  connect(labels_, &QLineEdit::textChanged, this, changed);
  for (QSpinBox* box : {channels_, height_, width_, resize_}) connect(box, qOverload<int>(&QSpinBox::valueChanged), this, changed);
  save_->setObjectName(QStringLiteral("saveSidecar"));
  save_->setToolTip(tr("Writes the card as JSON beside the model file (the folder must be writable)"));
  channels_->setToolTip(tr("1 for gray images, 3 for color"));
  height_->setToolTip(tr("The input height the model was trained with"));
  width_->setToolTip(tr("The input width the model was trained with"));
  mean_->setToolTip(tr("Subtracted from pixels on [0, 1]: one value, or one per channel"));
  std_->setToolTip(tr("Pixels are divided by it after the mean: one value, or one per channel"));
  problem_->setWordWrap(true);

  build_layout();
  describe_plan();
}

// The intro, the fields in the order a user decides them, what will be done,
// the problems, Save and the buttons.
void CardDialog::build_layout() {
  auto* intro =
      new QLabel(tr("This model has no card (actscope.json), so its input size and normalization are "
                    "unknown. Enter what it was trained with."),
                 this);
  intro->setWordWrap(true);
  auto* form = new QFormLayout;
  form->addRow(tr("Preset"), preset_);
  form->addRow(tr("Channels"), channels_);
  form->addRow(tr("Height"), height_);
  form->addRow(tr("Width"), width_);
  form->addRow(tr("Resize shorter side"), resize_);
  form->addRow(tr("Mean"), mean_);
  form->addRow(QString(), mean_problem_);
  form->addRow(tr("Std"), std_);
  form->addRow(QString(), std_problem_);
  auto* labels_row = new QHBoxLayout;
  labels_row->addWidget(labels_, 1);
  auto* browse = new QPushButton(tr("Browse..."), this);
  browse->setObjectName(QStringLiteral("labelsBrowse"));
  browse->setToolTip(tr("Choose the class names file"));
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Class names"), QString(), tr("Text files (*.txt);;All files (*)"));
    if (!path.isEmpty()) labels_->setText(path);
  });
  labels_row->addWidget(browse);
  form->addRow(tr("Class names"), labels_row);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &CardDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &CardDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addLayout(form);
  layout->addWidget(plan_);
  layout->addWidget(problem_);
  layout->addWidget(save_);
  layout->addWidget(buttons);
}

// What the engine will do with each image, in words, as the fields say now.
void CardDialog::describe_plan() {
  const QString size = QStringLiteral("%1x%2").arg(height_->value()).arg(width_->value());
  QString text = resize_->value() > 0
                     ? tr("Each image: the shorter side to %1 px (bilinear, antialiased, as torchvision's Resize), "
                          "then the centre %2 (CenterCrop)")
                           .arg(resize_->value())
                           .arg(size)
                     : tr("Each image: stretched to %1").arg(size);
  text += channels_->value() == 1 ? tr(", gray") : tr(", RGB");
  text += mean_->text().trimmed().isEmpty() || std_->text().trimmed().isEmpty()
              ? tr("; mean and std still to give.")
              : tr("; pixels on [0, 1], minus mean (%1), divided by std (%2).").arg(mean_->text(), std_->text());
  if (!labels_->text().trimmed().isEmpty())
    text += tr(" Class names from %1.").arg(QFileInfo(labels_->text().trimmed()).fileName());
  plan_->setText(text);
}

bool CardDialog::save_sidecar() const { return save_->isChecked(); }

void CardDialog::prefill(const CardOverrides& overrides) {
  if (overrides.channels > 0) channels_->setValue(overrides.channels);
  if (const auto size = parse_input_size(overrides.input_size)) {
    height_->setValue(size->first);
    width_->setValue(size->second);
  }
  if (overrides.resize > 0) resize_->setValue(overrides.resize);
  if (!overrides.labels_file.empty()) labels_->setText(QString::fromStdString(overrides.labels_file));
  auto text = [](const std::vector<float>& values) {
    QStringList parts;
    for (float value : values) parts << QString::number(value);
    return parts.join(QStringLiteral(", "));
  };
  if (!overrides.mean.empty()) mean_->setText(text(overrides.mean));
  if (!overrides.std.empty()) std_->setText(text(overrides.std));
  describe_plan();
}

void CardDialog::apply_preset(int index) {
  const Preset& preset = kPresets[index];
  if (!preset.mean) return;  // Custom: what is typed stays
  if (preset.channels > 0) channels_->setValue(preset.channels);
  if (preset.size > 0) {
    height_->setValue(preset.size);
    width_->setValue(preset.size);
  }
  if (preset.resize > 0) resize_->setValue(preset.resize);
  if (preset.imagenet_names) labels_->setText(QString::fromStdString(imagenet_labels_path()));
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
  if (!mean || !std) {
    adjustSize();  // room for the messages, whole
    return;
  }
  CardOverrides typed;
  typed.channels = channels_->value();
  typed.input_size = QStringLiteral("%1x%2").arg(height_->value()).arg(width_->value()).toStdString();
  typed.mean = *mean;
  typed.std = *std;
  typed.resize = resize_->value();
  typed.labels_file = labels_->text().trimmed().toStdString();
  auto card = apply_card_overrides(ModelCard{}, typed, channels_->value());
  if (!card) {
    problem_->setText(QString::fromStdString(card.error()));
    adjustSize();
    return;
  }
  card_ = std::move(card).value();
  QDialog::accept();
}

}  // namespace actscope
