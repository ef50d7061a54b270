#include "ui/panes/cam_pane.h"

#include <QCheckBox>
#include <QEvent>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include "core/explain/cam_figure.h"
#include "core/maps/cam_render.h"
#include "ui/panes/picture_pane.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/labelled.h"
#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

constexpr int kPicture = 128;  // pixels of each picture: two side by side fit a 300-pixel dock
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
      scale_(new ColorBar),
      opacity_(new QSlider(Qt::Horizontal)),
      masked_(new QLabel),
      show_masked_(new QCheckBox(tr("Masked"))),
      predictions_(new QListWidget),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      all_methods_(new QPushButton(tr("All Methods..."))),
      effective_(new QCheckBox(tr("Effective field"))),
      field_note_(new QLabel),
      field_scale_(new ColorBar) {
  name_widgets();
  build_layout();
  connect(method_, &QComboBox::currentTextChanged, this, &CamPane::emit_request);
  connect(class_, qOverload<int>(&QComboBox::activated), this, &CamPane::emit_request);
  connect(predictions_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { set_target_class(item->data(kClassRole).toInt()); });
  connect(pin_, &QCheckBox::toggled, this, &CamPane::pinToggled);
  connect(cancel_, &QPushButton::clicked, this, &CamPane::cancelRequested);
  connect(all_methods_, &QPushButton::clicked, this, &CamPane::allMethodsRequested);
  connect(effective_, &QCheckBox::toggled, this, &CamPane::effectiveFieldToggled);
  connect(show_masked_, &QCheckBox::toggled, masked_, &QLabel::setVisible);
  connect(opacity_, &QSlider::valueChanged, this, [this] {
    if (has_result_) draw_result();
  });
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
  scale_->setObjectName(QStringLiteral("camScale"));
  opacity_->setObjectName(QStringLiteral("camOpacity"));
  opacity_->setRange(0, 100);
  opacity_->setValue(50);
  opacity_->setToolTip(tr("Heatmap opacity over the image (redraws without computing again)"));
  opacity_->setMaximumWidth(kPicture);
  masked_->setObjectName(QStringLiteral("camMasked"));
  for (QLabel* label : {input_, heatmap_, masked_}) {
    label->installEventFilter(this);
    label->setToolTip(tr("Double-click to see it large (fit to the window or 1:1)"));
    label->setFixedSize(kPicture, kPicture);
    label->setAlignment(Qt::AlignCenter);
    label->setStyleSheet(QStringLiteral("background: #282828"));
  }
  predictions_->setObjectName(QStringLiteral("predictions"));
  predictions_->setToolTip(tr("The top classes; click one to see where the model looks for it"));
  // Five rows, the top five classes, whole at every window size.
  predictions_->setFixedHeight(predictions_->fontMetrics().height() * 5 + 4 * predictions_->frameWidth() + 8);
  predictions_->setMinimumWidth(kPicture);
  show_masked_->setObjectName(QStringLiteral("camShowMasked"));
  show_masked_->setToolTip(tr("Also show the image masked by the heatmap"));
  masked_->hide();
  progress_->setObjectName(QStringLiteral("camProgress"));
  progress_->hide();
  cancel_->setObjectName(QStringLiteral("camCancel"));
  cancel_->setToolTip(tr("Stop computing this map"));
  all_methods_->setObjectName(QStringLiteral("camAllMethods"));
  all_methods_->setToolTip(tr("The map of every method for this image, class and layer, side by side"));
  cancel_->hide();
  effective_->setObjectName(QStringLiteral("camEffectiveField"));
  effective_->setToolTip(tr("While you hover a unit of a grid, show on the input how strongly each pixel moves it "
                            "(the gradient of the unit; Luo et al. 2016) inside its theoretical field's box"));
  field_note_->setObjectName(QStringLiteral("camFieldNote"));
  field_note_->setWordWrap(true);
  field_note_->setText(tr("Hover a unit of a grid to see its receptive field on the input."));
  field_scale_->setObjectName(QStringLiteral("camFieldScale"));
  field_scale_->setMaximumWidth(kPicture);
  field_scale_->hide();
}

void CamPane::build_layout() {
  auto* layout = new QVBoxLayout(this);
  // The answer first: the model's top classes, then where it looked.
  layout->addWidget(new QLabel(tr("Predictions (click one for its map)")));
  layout->addWidget(predictions_);
  // Method and class one above the other: the pane fits a narrow dock.
  auto* choices = new QGridLayout;
  choices->addWidget(new QLabel(tr("Method")), 0, 0);
  choices->addWidget(method_, 0, 1);
  choices->addWidget(new QLabel(tr("Class")), 1, 0);
  choices->addWidget(class_, 1, 1);
  auto* pins = new QHBoxLayout;
  pins->addWidget(pin_);
  pins->addWidget(pin_class_);
  pins->addStretch(1);
  choices->addLayout(pins, 2, 1);
  choices->setColumnStretch(1, 1);
  layout->addLayout(choices);
  auto* tools = new QHBoxLayout;
  tools->addWidget(all_methods_);
  tools->addWidget(effective_);
  tools->addStretch(1);
  layout->addLayout(tools);
  layout->addWidget(caption_);
  layout->addWidget(scale_);  // the heatmap's scale with the answer, above the pictures
  auto* progress_row = new QHBoxLayout;
  progress_row->addWidget(progress_, 1);
  progress_row->addWidget(cancel_);
  layout->addLayout(progress_row);
  // Input and heatmap side by side, the heatmap's opacity under them.
  auto* grid = new QGridLayout;
  grid->addWidget(new QLabel(tr("Input")), 0, 0);
  auto* heatmap_title = new QHBoxLayout;  // Masked beside the picture it adds to
  heatmap_title->addWidget(new QLabel(tr("Heatmap")));
  heatmap_title->addStretch(1);
  heatmap_title->addWidget(show_masked_);
  grid->addLayout(heatmap_title, 0, 1);
  grid->addWidget(input_, 1, 0);
  grid->addWidget(heatmap_, 1, 1);
  // Under the input: the heatmap's opacity, and the effective field's scale
  // while it is drawn on the input.
  auto* under_input = new QVBoxLayout;
  under_input->addWidget(opacity_);
  under_input->addWidget(field_scale_);
  grid->addLayout(under_input, 2, 0, Qt::AlignTop);
  // The hovered unit's field, right under the input it is drawn on.
  grid->addWidget(field_note_, 3, 0, 1, 2);
  layout->addLayout(grid);
  layout->addWidget(masked_);  // on request
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
  input_display_ = {};
  clear_field();
  predictions_->clear();
  caption_->clear();
  scale_->clear();
  has_result_ = false;
}

void CamPane::set_context(const RgbImage& context, int crop_x, int crop_y) {
  context_ = context;
  crop_x_ = crop_x;
  crop_y_ = crop_y;
  draw_input(input_display_);
}

void CamPane::set_image(const RgbImage& display, const std::vector<ClassScore>& top) {
  input_display_ = display;
  context_ = {};
  clear_field();
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

namespace {

// `image` faded two thirds of the way to gray: a picture of the result
// before, shown while the new one computes.
RgbImage dimmed(RgbImage image) {
  for (uint8_t& value : image.pixels) value = static_cast<uint8_t>((value + 2 * 128) / 3);
  return image;
}

}  // namespace

void CamPane::show_running(bool slow) {
  progress_->setVisible(slow);
  progress_->setValue(0);
  cancel_->setVisible(slow);
  caption_->setText(tr("computing %1...").arg(method_->currentText()));
  // Never the last image's heatmap beside the new image as if it were its
  // own: it stays, dimmed, until the new one arrives, and its scale goes.
  if (has_result_) {
    has_result_ = false;
    heatmap_->setPixmap(picture(dimmed(full_[1])));
    masked_->setPixmap(picture(dimmed(full_[2])));
    scale_->clear();
  }
}

void CamPane::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_->show();
}

float CamPane::image_weight() const { return 1.0f - static_cast<float>(opacity_->value()) / 100.0f; }

void CamPane::draw_result() {
  const int height = static_cast<int>(result_.map.shape()[1]);
  const int width = static_cast<int>(result_.map.shape()[2]);
  // Over the model's input, put back in the photo it was cut from (if any).
  const bool cut = context_.width > 0 && display_.width == input_display_.width && display_.height == input_display_.height;
  const RgbImage none;
  const RgbImage& photo = cut ? context_ : none;
  full_[1] = in_context(photo, crop_x_, crop_y_,
                        cam_overlay(display_, result_.map.data(), height, width, Colormap::kJet, image_weight()));
  full_[2] = in_context(photo, crop_x_, crop_y_, cam_masked(display_, result_.map.data(), height, width));
  heatmap_->setPixmap(picture(full_[1]));
  masked_->setPixmap(picture(full_[2]));
}

bool CamPane::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::MouseButtonDblClick) return false;
  const QLabel* labels[3] = {input_, heatmap_, masked_};
  for (int i = 0; i < 3; ++i) {
    if (watched == labels[i]) {
      show_large(i);
      return true;
    }
  }
  return false;
}

void CamPane::show_large(int which) {
  if (full_[which].width == 0) return;
  if (!viewer_) {
    viewer_ = new PicturePane(QStringLiteral("camLargePicture"), QString(), this);
    viewer_->setWindowFlag(Qt::Window);
    viewer_->setObjectName(QStringLiteral("camPictureWindow"));
    viewer_->resize(560, 600);
  }
  static const char* const kNames[3] = {"Input", "Heatmap", "Masked"};
  viewer_->setWindowTitle(tr(kNames[which]) + QStringLiteral(" - ") + caption_->text());
  viewer_->show_picture(QPixmap::fromImage(to_qimage(full_[which])), caption_->text());
  viewer_->set_fit(true);
  viewer_->show();
  viewer_->raise();
}

bool CamPane::effective_field_on() const { return effective_->isChecked(); }

// `shown` (the input, or the effective field over it) with the field box.
void CamPane::draw_input(const RgbImage& input) {
  // The input in the photo it was cut from (if any); the field box moves with it.
  const RgbImage shown = in_context(context_, crop_x_, crop_y_, input);
  const QPoint offset = context_.width > 0 ? QPoint(crop_x_, crop_y_) : QPoint(0, 0);
  full_[0] = shown;
  QPixmap pixmap = picture(shown);
  if (!field_box_.isEmpty() && shown.width > 0 && !pixmap.isNull()) {
    const double sx = static_cast<double>(pixmap.width()) / shown.width;
    const double sy = static_cast<double>(pixmap.height()) / shown.height;
    const QRect field = field_box_.translated(offset);
    const QRectF box(field.x() * sx, field.y() * sy, field.width() * sx, field.height() * sy);
    QPainter painter(&pixmap);
    // White on a black outline: visible on dark and bright images alike.
    painter.setPen(QPen(Qt::black, 3));
    painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5));
    painter.setPen(QPen(Qt::white, 1));
    painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5));
  }
  input_->setPixmap(pixmap);
}

void CamPane::show_field(const QRect& box, const QString& note) {
  field_box_ = box;
  field_note_->setText(note);
  field_scale_->clear();
  field_scale_->hide();
  draw_input(input_display_);
}

void CamPane::show_effective_field(const std::vector<float>& map, int height, int width, double raw_max,
                                   const QRect& box, const QString& note) {
  field_box_ = box;
  field_note_->setText(note);
  field_scale_->set_scale(ColorScale{Colormap::kJet, 0.0, raw_max, "|d unit / d pixel|"});
  field_scale_->show();
  draw_input(cam_overlay(input_display_, map.data(), height, width, Colormap::kJet, 0.4f));
}

void CamPane::clear_field() {
  field_box_ = {};
  field_note_->setText(tr("Hover a unit of a grid to see its receptive field on the input."));
  field_scale_->clear();
  field_scale_->hide();
  draw_input(input_display_);
}

void CamPane::show_error(const QString& message) {
  has_result_ = false;
  scale_->clear();
  progress_->hide();
  cancel_->hide();
  caption_->setText(message);
  heatmap_->setPixmap({});
  masked_->setPixmap({});
}

void CamPane::show_result(const CamResult& result, const RgbImage& display) {
  progress_->hide();
  cancel_->hide();
  result_ = result;
  display_ = display;
  has_result_ = true;
  draw_result();
  scale_->set_scale(cam_color_scale(result, 0));
  const int target = result.classes.front();
  const QString name = QString::fromStdString(card_.label(target));
  const QString which = name == QStringLiteral("class %1").arg(target) ? name : tr("%1 (class %2)").arg(name).arg(target);
  const double probability = cam_target_score(result, 0);
  const QString score = probability >= 0 ? tr(", score %1%").arg(probability * 100.0, 0, 'f', 1) : QString();
  const QString how = target_class() < 0 ? tr("predicted") : (class_pinned() ? tr("pinned") : tr("chosen"));
  caption_->setText(tr("%1 on %2: %3%4, %5")
                        .arg(QString::fromStdString(to_string(result.method)),
                             QString::fromStdString(result.layers.front().layer), which, score, how));
}

}  // namespace actscope
