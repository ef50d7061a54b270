#include "ui/panes/cam_methods_view.h"

#include <algorithm>
#include <cmath>

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "core/maps/colorbar.h"
#include "ui/panes/faithfulness_pane.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/pixmap.h"

namespace actscope {

CamMethodsView::CamMethodsView(QWidget* parent)
    : QDialog(parent),
      caption_(new QLabel),
      progress_(new QProgressBar),
      cancel_(new QPushButton(tr("Cancel"))),
      actual_size_(new QCheckBox(tr("1:1"))),
      scale_(new ColorBar),
      scroll_(new QScrollArea),
      picture_(new QLabel),
      cells_(new QWidget),
      cells_layout_(new QGridLayout(cells_)),
      faithfulness_(new FaithfulnessPane) {
  setObjectName(QStringLiteral("camMethodsView"));
  setWindowTitle(tr("Every CAM method"));
  caption_->setObjectName(QStringLiteral("camMethodsCaption"));
  caption_->setWordWrap(true);
  progress_->setObjectName(QStringLiteral("camMethodsProgress"));
  cancel_->setObjectName(QStringLiteral("camMethodsCancel"));
  cancel_->setToolTip(tr("Stop computing the maps"));
  actual_size_->setObjectName(QStringLiteral("camMethodsActualSize"));
  actual_size_->setToolTip(tr("Show the sheet pixel for pixel, as exported, instead of fitted to the window"));
  scale_->setObjectName(QStringLiteral("camMethodsScale"));
  scale_->setMaximumWidth(420);
  picture_->setObjectName(QStringLiteral("camMethodsSheet"));
  picture_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  cells_->setObjectName(QStringLiteral("camMethodsCells"));
  cells_layout_->setContentsMargins(0, 0, 0, 0);
  cells_layout_->setSpacing(6);
  auto* pages = new QStackedWidget;
  pages->addWidget(cells_);
  pages->addWidget(picture_);
  scroll_->setWidget(pages);
  scroll_->setWidgetResizable(true);
  auto* top = new QHBoxLayout;
  top->addWidget(progress_, 1);
  top->addWidget(cancel_);
  top->addWidget(actual_size_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(caption_);
  layout->addWidget(scale_);
  auto* split = new QSplitter(Qt::Vertical);
  split->setObjectName(QStringLiteral("camMethodsSplit"));
  split->addWidget(scroll_);
  split->addWidget(faithfulness_);
  split->setChildrenCollapsible(false);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);
  connect(cancel_, &QPushButton::clicked, this, &CamMethodsView::cancelRequested);
  connect(actual_size_, &QCheckBox::toggled, this, [this, pages](bool actual) {
    pages->setCurrentIndex(actual ? 1 : 0);
    draw();
  });
  // Room for the maps and the metrics' table beside its curve, within the screen.
  const QRect screen = parent && parent->screen() ? parent->screen()->availableGeometry() : QRect(0, 0, 1280, 720);
  resize(std::min(1240, screen.width() - 40), std::min(860, screen.height() - 60));
  const int below = faithfulness_->sizeHint().height();
  split->setSizes({std::max(120, height() - below - 140), below});
}

void CamMethodsView::clear_pictures() {
  sheet_ = QImage();
  images_.clear();
  picture_->setPixmap({});
  for (QLabel* label : captions_ + pictures_) delete label;
  captions_.clear();
  pictures_.clear();
  scale_->clear();
}

void CamMethodsView::show_running(const QString& what) {
  clear_pictures();
  caption_->setText(what);
  progress_->setRange(0, 0);
  progress_->show();
  cancel_->show();
}

void CamMethodsView::show_progress(size_t done, size_t total) {
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
}

// Each picture in a cell under its name; the colours' meaning once, above:
// every method's map is scaled to [0, 1] on its own before it is coloured.
void CamMethodsView::show_sheet(const MethodSheet& sheet, const QString& notes) {
  clear_pictures();
  progress_->hide();
  cancel_->hide();
  sheet_ = to_qimage(sheet.sheet);
  for (size_t i = 0; i < sheet.pictures.size(); ++i) {
    images_.push_back(to_qimage(sheet.pictures[i]));
    auto* name = new QLabel(QString::fromStdString(sheet.captions[i]), cells_);
    name->setObjectName(QStringLiteral("camMethodsName"));
    auto* picture = new QLabel(cells_);
    picture->setObjectName(QStringLiteral("camMethodsPicture"));
    picture->setToolTip(i == 0 ? tr("The input") : tr("%1 over the input").arg(name->text()));
    captions_ << name;
    pictures_ << picture;
  }
  scale_->set_scale(ColorScale{Colormap::kJet, 0.0, 1.0, "each method's map from its lowest (0) to its highest (1)"});
  if (!notes.isEmpty()) caption_->setText(caption_->text() + QStringLiteral("\n") + notes);
  draw();
}

void CamMethodsView::show_message(const QString& message) {
  progress_->hide();
  cancel_->hide();
  caption_->setText(message);
}

void CamMethodsView::resizeEvent(QResizeEvent* event) {
  QDialog::resizeEvent(event);
  draw();
}

// 1:1: the sheet as exported. Fitted: of every column count, the one that
// gives the largest pictures with all of them in the scroll area, each
// under its name (the names keep the window's font whatever the size).
void CamMethodsView::draw() {
  if (sheet_.isNull()) return;
  if (actual_size_->isChecked()) {
    picture_->setPixmap(QPixmap::fromImage(sheet_));
    return;
  }
  const int count = static_cast<int>(images_.size());
  if (count == 0) return;
  const QSize room = scroll_->viewport()->size() - QSize(4, 4);
  const int name_height = fontMetrics().lineSpacing() + cells_layout_->spacing();
  const double aspect = images_[0].height() / std::max(1.0, static_cast<double>(images_[0].width()));
  int best_columns = count;
  double best_width = 0.0;
  for (int columns = 1; columns <= count; ++columns) {
    const int rows = (count + columns - 1) / columns;
    const double across = (room.width() - cells_layout_->spacing() * (columns - 1.0)) / columns;
    const double down = ((room.height() - rows * name_height - cells_layout_->spacing() * (rows - 1.0)) / rows) / aspect;
    const double width = std::min(across, down);
    if (width > best_width) {
      best_width = width;
      best_columns = columns;
    }
  }
  const int side = std::max(48, static_cast<int>(std::floor(best_width)));
  for (QLabel* label : captions_ + pictures_) cells_layout_->removeWidget(label);
  for (int row = 0; row <= 2 * count + 1; ++row) cells_layout_->setRowStretch(row, 0);
  for (int column = 0; column <= count; ++column) cells_layout_->setColumnStretch(column, 0);
  // Enlarged with nearest neighbour (a map's cells stay sharp squares); made smaller smoothly.
  const Qt::TransformationMode mode = side >= images_[0].width() ? Qt::FastTransformation : Qt::SmoothTransformation;
  for (int i = 0; i < count; ++i) {
    const int row = 2 * (i / best_columns);
    const int column = i % best_columns;
    cells_layout_->addWidget(captions_[i], row, column, Qt::AlignLeft | Qt::AlignBottom);
    cells_layout_->addWidget(pictures_[i], row + 1, column, Qt::AlignLeft | Qt::AlignTop);
    pictures_[i]->setPixmap(QPixmap::fromImage(
        images_[static_cast<size_t>(i)].scaled(side, static_cast<int>(side * aspect), Qt::KeepAspectRatio, mode)));
  }
  cells_layout_->setRowStretch(2 * ((count + best_columns - 1) / best_columns), 1);
  cells_layout_->setColumnStretch(best_columns, 1);
}

}  // namespace actscope
