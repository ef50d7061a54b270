#include "ui/panes/cam_pane.h"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "core/maps/cam_render.h"
#include "ui/widgets/labelled.h"
#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

constexpr int kPicture = 180;  // pixels of each picture
constexpr int kClassRole = Qt::UserRole;

QPixmap picture(const RgbImage& image) { return scaled_pixmap(image, kPicture); }

}  // namespace

CamPane::CamPane(QWidget* parent)
    : QWidget(parent),
      method_(new QComboBox),
      class_(new QComboBox),
      pin_(new QCheckBox(tr("Pin layer"))),
      pin_class_(new QCheckBox(tr("Pin class"))),
      caption_(new QLabel),
      input_(new QLabel),
      heatmap_(new QLabel),
      masked_(new QLabel),
      predictions_(new QListWidget),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))) {
  name_widgets();
  build_layout();
  connect(method_, &QComboBox::currentTextChanged, this, &CamPane::emit_request);
  connect(class_, qOverload<int>(&QComboBox::activated), this, &CamPane::emit_request);
  connect(predictions_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { set_target_class(item->data(kClassRole).toInt()); });
  connect(pin_, &QCheckBox::toggled, this, &CamPane::pinToggled);
  connect(cancel_, &QPushButton::clicked, this, &CamPane::cancelRequested);
}

void CamPane::name_widgets() {
  method_->setObjectName(QStringLiteral("camMethod"));
  for (CamMethod method : all_cam_methods()) method_->addItem(QString::fromStdString(to_string(method)));
  class_->setObjectName(QStringLiteral("camClass"));
  class_->addItem(tr("predicted class"), -1);
  pin_->setObjectName(QStringLiteral("camPinLayer"));
  pin_->setToolTip(tr("Keep the CAM's layer while browsing other layers"));
  pin_class_->setObjectName(QStringLiteral("camPinClass"));
  pin_class_->setToolTip(tr("Keep the chosen class for the next images; unpinned, each image shows its predicted class"));
  method_->setToolTip(tr("How the class activation map is computed"));
  class_->setToolTip(tr("The class whose evidence the map shows"));
  caption_->setObjectName(QStringLiteral("camCaption"));
  caption_->setWordWrap(true);
  input_->setObjectName(QStringLiteral("camInput"));
  heatmap_->setObjectName(QStringLiteral("camOverlay"));
  masked_->setObjectName(QStringLiteral("camMasked"));
  for (QLabel* label : {input_, heatmap_, masked_}) {
    label->setFixedSize(kPicture, kPicture);
    label->setAlignment(Qt::AlignCenter);
    label->setStyleSheet(QStringLiteral("background: #282828"));
  }
  predictions_->setObjectName(QStringLiteral("predictions"));
  predictions_->setToolTip(tr("Click a class to see where the model looks for it"));
  predictions_->setFixedSize(kPicture, kPicture);
  progress_->setObjectName(QStringLiteral("camProgress"));
  progress_->hide();
  cancel_->setObjectName(QStringLiteral("camCancel"));
  cancel_->hide();
}

void CamPane::build_layout() {
  auto* layout = new QVBoxLayout(this);
  auto* choices = new QWidget;
  auto* choices_layout = new QHBoxLayout(choices);
  choices_layout->setContentsMargins(0, 0, 0, 0);
  choices_layout->addWidget(labelled(tr("Method"), method_));
  choices_layout->addWidget(labelled(tr("Class"), class_), 1);
  layout->addWidget(choices);
  auto* pins = new QHBoxLayout;
  pins->addWidget(pin_);
  pins->addWidget(pin_class_);
  pins->addStretch(1);
  layout->addLayout(pins);
  layout->addWidget(caption_);
  auto* progress_row = new QWidget;
  auto* progress_layout = new QHBoxLayout(progress_row);
  progress_layout->setContentsMargins(0, 0, 0, 0);
  progress_layout->addWidget(progress_, 1);
  progress_layout->addWidget(cancel_);
  layout->addWidget(progress_row);
  // Input and heatmap side by side; the masked image beside the predictions.
  auto* pictures = new QWidget;
  auto* grid = new QGridLayout(pictures);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->addWidget(new QLabel(tr("Input")), 0, 0);
  grid->addWidget(new QLabel(tr("Heatmap")), 0, 1);
  grid->addWidget(input_, 1, 0);
  grid->addWidget(heatmap_, 1, 1);
  grid->addWidget(new QLabel(tr("Masked")), 2, 0);
  grid->addWidget(new QLabel(tr("Predictions (click: its CAM)")), 2, 1);
  grid->addWidget(masked_, 3, 0);
  grid->addWidget(predictions_, 3, 1);
  layout->addWidget(pictures);
  layout->addStretch(1);
}

void CamPane::set_card(const ModelCard& card) {
  card_ = card;
  {
    const QSignalBlocker block(pin_);  // a pinned layer belongs to the old model
    pin_->setChecked(false);
  }
  class_->clear();
  class_->addItem(tr("predicted class"), -1);
  for (size_t i = 0; i < card.labels.size(); ++i) {
    class_->addItem(QStringLiteral("%1 %2").arg(i).arg(QString::fromStdString(card.labels[i])),
                    static_cast<int>(i));
  }
  for (QLabel* label : {input_, heatmap_, masked_}) label->setPixmap({});
  predictions_->clear();
  caption_->clear();
}

void CamPane::set_image(const RgbImage& display, const std::vector<ClassScore>& top) {
  input_->setPixmap(picture(display));
  predictions_->clear();
  for (const auto& score : top) {
    auto* item = new QListWidgetItem(QStringLiteral("%1  %2%")
                                         .arg(QString::fromStdString(card_.label(score.class_index)))
                                         .arg(score.probability * 100.0, 0, 'f', 1),
                                     predictions_);
    item->setData(kClassRole, score.class_index);
  }
}

CamMethod CamPane::method() const {
  auto method = parse_cam_method(method_->currentText().toStdString());
  return method ? method.value() : CamMethod::kGradCam;
}

int CamPane::target_class() const {
  return class_->currentData().isValid() ? class_->currentData().toInt() : -1;
}

void CamPane::set_target_class(int class_index) {
  const int row = class_->findData(class_index);
  class_->setCurrentIndex(row >= 0 ? row : 0);
  emit_request();
}

bool CamPane::class_pinned() const { return pin_class_->isChecked() && target_class() >= 0; }

void CamPane::follow_predicted_class() {
  const QSignalBlocker block(class_);
  class_->setCurrentIndex(0);
}

void CamPane::emit_request() { Q_EMIT requestChanged(method(), target_class()); }

void CamPane::show_running(bool slow) {
  progress_->setVisible(slow);
  progress_->setValue(0);
  cancel_->setVisible(slow);
  caption_->setText(tr("computing %1...").arg(method_->currentText()));
}

void CamPane::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_->show();
}

void CamPane::show_error(const QString& message) {
  progress_->hide();
  cancel_->hide();
  caption_->setText(message);
  heatmap_->setPixmap({});
  masked_->setPixmap({});
}

void CamPane::show_result(const CamResult& result, const RgbImage& display) {
  progress_->hide();
  cancel_->hide();
  const int height = static_cast<int>(result.map.shape()[1]);
  const int width = static_cast<int>(result.map.shape()[2]);
  heatmap_->setPixmap(picture(cam_overlay(display, result.map.data(), height, width)));
  masked_->setPixmap(picture(cam_masked(display, result.map.data(), height, width)));
  const int target = result.classes.front();
  const QString name = QString::fromStdString(card_.label(target));
  const QString which = name == QStringLiteral("class %1").arg(target) ? name : tr("%1 (class %2)").arg(name).arg(target);
  QString score;
  if (result.logits.dim() == 2 && target < result.logits.shape()[1]) {
    const float* row = result.logits.data();
    const auto classes = result.logits.shape()[1];
    const float top = *std::max_element(row, row + classes);
    double sum = 0.0;
    for (int64_t k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(row[k] - top));
    score = tr(", score %1%").arg(std::exp(static_cast<double>(row[target] - top)) / sum * 100.0, 0, 'f', 1);
  }
  const QString how = target_class() < 0 ? tr("predicted") : (class_pinned() ? tr("pinned") : tr("chosen"));
  caption_->setText(tr("%1 on %2: %3%4, %5")
                        .arg(QString::fromStdString(to_string(result.method)),
                             QString::fromStdString(result.layers.front().layer), which, score, how));
}

}  // namespace actscope
