#include "ui/panes/visualization_pane.h"

#include <algorithm>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

QLabel* picture_label(const QString& name, const QString& tooltip) {
  auto* label = new QLabel;
  label->setObjectName(name);
  label->setFixedSize(VisualizationPane::kPictureSide, VisualizationPane::kPictureSide);
  label->setAlignment(Qt::AlignCenter);
  label->setStyleSheet(QStringLiteral("background: #282828; color: #dcdcdc;"));
  label->setWordWrap(true);
  label->setToolTip(tooltip);
  return label;
}

QLabel* caption_label(const QString& name) {
  auto* label = new QLabel;
  label->setObjectName(name);
  label->setWordWrap(true);
  label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  label->setMaximumWidth(VisualizationPane::kPictureSide + 24);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

}  // namespace

QPixmap enlarged_pixmap(const RgbImage& image, int side) {
  if (image.width == 0 || image.height == 0) return {};
  const int longest = std::max(image.width, image.height);
  if (longest > side) return scaled_pixmap(image, side, Qt::SmoothTransformation);
  const int factor = side / longest;
  return QPixmap::fromImage(to_qimage(image).scaled(image.width * factor, image.height * factor,
                                                    Qt::IgnoreAspectRatio, Qt::FastTransformation));
}

VisualizationPane::VisualizationPane(const QString& name, Qt::Orientation orientation, QWidget* parent)
    : QWidget(parent),
      title_(new QLabel(tr("What it responds to most"))),
      synthesized_label_(picture_label(
          name + QStringLiteral("Synthesized"),
          tr("The image optimized to excite this filter most (feature visualization): an image, not a "
             "normalized map, so it has no colour scale"))),
      synthesized_caption_(caption_label(name + QStringLiteral("SynthesizedCaption"))),
      top_label_(
          picture_label(name + QStringLiteral("TopImage"),
                        tr("The scanned dataset's image that excites this filter most (the atlas' first "
                           "top image): an image, not a normalized map"))),
      top_caption_(caption_label(name + QStringLiteral("TopCaption"))),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))) {
  setObjectName(name);
  if (orientation == Qt::Vertical) setMaximumWidth(kPictureSide + 48);
  title_->setObjectName(name + QStringLiteral("Title"));
  title_->setWordWrap(true);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  progress_->setObjectName(name + QStringLiteral("Progress"));
  cancel_->setObjectName(name + QStringLiteral("Cancel"));
  cancel_->setToolTip(tr("Stop optimizing this filter's image"));
  auto* pictures = new QGridLayout;
  pictures->setContentsMargins(0, 0, 0, 0);
  const bool across = orientation == Qt::Horizontal;
  pictures->addWidget(synthesized_label_, 0, 0, Qt::AlignLeft | Qt::AlignTop);
  pictures->addWidget(synthesized_caption_, 1, 0);
  pictures->addWidget(top_label_, across ? 0 : 2, across ? 1 : 0, Qt::AlignLeft | Qt::AlignTop);
  pictures->addWidget(top_caption_, across ? 1 : 3, across ? 1 : 0);
  pictures->setColumnStretch(across ? 2 : 1, 1);
  auto* running = new QHBoxLayout;
  running->setContentsMargins(0, 0, 0, 0);
  running->addWidget(progress_, 1);
  running->addWidget(cancel_);
  auto* note = new QLabel(tr("Images, not normalized maps: no colour scale."));
  note->setObjectName(name + QStringLiteral("Note"));
  note->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 4);
  layout->addWidget(title_);
  layout->addLayout(pictures);
  layout->addLayout(running);
  layout->addWidget(note);
  connect(cancel_, &QPushButton::clicked, this, &VisualizationPane::cancelRequested);
  stop_running();
  show_message(tr("Select a filter."));
}

void VisualizationPane::set_title(const QString& title) { title_->setText(title); }

void VisualizationPane::stop_running() {
  progress_->hide();
  cancel_->hide();
}

void VisualizationPane::show_message(const QString& message) {
  stop_running();
  synthesized_ = RgbImage();
  synthesized_label_->setPixmap(QPixmap());
  synthesized_label_->setText(message);
  synthesized_caption_->clear();
  top_label_->setPixmap(QPixmap());
  top_label_->clear();
  top_caption_->clear();
}

void VisualizationPane::show_running(const QString& message) {
  show_message(message);
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
}

void VisualizationPane::show_progress(int64_t done, int64_t total) {
  if (progress_->isHidden()) return;  // the run ended meanwhile
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  progress_->setFormat(tr("step %v of %m"));
}

void VisualizationPane::show_synthesized(const RgbImage& image, const QString& caption) {
  stop_running();
  synthesized_ = image;
  synthesized_label_->setText(QString());
  synthesized_label_->setPixmap(enlarged_pixmap(image, kPictureSide));
  synthesized_caption_->setText(caption);
}

void VisualizationPane::show_top_image(const RgbImage& image, const QString& caption) {
  top_label_->setText(QString());
  top_label_->setPixmap(enlarged_pixmap(image, kPictureSide));
  top_caption_->setText(caption);
}

void VisualizationPane::clear_top_image(const QString& caption) {
  top_label_->setPixmap(QPixmap());
  top_label_->clear();
  top_caption_->setText(caption);
}

}  // namespace actscope
