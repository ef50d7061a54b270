#include "ui/panes/compare_pane.h"

#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "core/maps/cam_render.h"
#include "core/maps/layer_view.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"
#include "ui/widgets/pixmap.h"

namespace actscope {
namespace {

constexpr int kPicture = 96;  // pixels of each image and CAM above the grids

// The ranking beside the grids: narrow unless the user widens it.
class RankingList : public QListWidget {
 public:
  QSize sizeHint() const override { return {170, 200}; }
};

// `view` in a scroll area under `title` (which wraps: a long caption is
// never cut, whatever the width of the grid's area); the title says what the
// grid's own caption would, so the grid draws none.
QWidget* titled_scroll(QLabel* title, GridView* view, ColorBar* scale, QScrollArea*& area) {
  auto* box = new QWidget;
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(0, 0, 0, 0);
  title->setWordWrap(true);
  // Two lines for every title, so the three grids get areas of one size
  // (fitted alike, a filter sits at the same place in each).
  title->setFixedHeight(2 * title->fontMetrics().lineSpacing() + 2);
  title->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(title);
  layout->addWidget(scale);  // above the grid: seen without scrolling
  view->set_show_caption(false);
  area = new QScrollArea;
  area->setWidget(view);
  area->setAlignment(Qt::AlignLeft | Qt::AlignTop);
  layout->addWidget(area, 1);
  return box;
}

}  // namespace

ComparePane::ComparePane(QWidget* parent)
    : QWidget(parent),
      image_b_(new QComboBox),
      mode_box_(new QComboBox),
      partner_(new QComboBox),
      hint_(new QLabel),
      summary_(new QLabel),
      grid_a_(new GridView),
      grid_b_(new GridView),
      grid_difference_(new GridView),
      ranking_(new RankingList) {
  image_b_->setObjectName(QStringLiteral("compareImage"));
  image_b_->setToolTip(tr("Image B: compared with the current image (A) at the browsed layer"));
  grid_a_->setObjectName(QStringLiteral("compareA"));
  grid_b_->setObjectName(QStringLiteral("compareB"));
  grid_difference_->setObjectName(QStringLiteral("compareDifference"));
  ranking_->setObjectName(QStringLiteral("compareRanking"));
  ranking_->setToolTip(
      tr("Filters by |mean A - mean B|, largest first; click one to select it in the grids"));
  summary_->setObjectName(QStringLiteral("compareSummary"));
  summary_->setWordWrap(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(build_choice_row());
  hint_->setObjectName(QStringLiteral("compareModelsHint"));
  hint_->setWordWrap(true);
  hint_->setContentsMargins(4, 0, 4, 0);
  hint_->hide();
  layout->addWidget(hint_);
  layout->addWidget(summary_);
  // Six pictures of a fixed size fit the width Compare has at 1024x640.
  explanations_ = build_explanations();
  explanations_->setObjectName(QStringLiteral("compareExplanations"));
  layout->addWidget(explanations_);
  layout->addWidget(build_grids(), 1);
  set_second_model({});
  set_mode(CompareMode::kImages);
  connect(image_b_, qOverload<int>(&QComboBox::activated), this, [this] { Q_EMIT imageBChosen(image_b()); });
  clear();
}

// A, B and A - B side by side, the ranking beside them; the selected filter
// is the same in all three grids.
QWidget* ComparePane::build_grids() {
  auto* grids = new QSplitter(Qt::Horizontal);
  for (int i = 0; i < 3; ++i) {
    grid_title_[i] = new QLabel;
    grid_title_[i]->setObjectName(QStringLiteral("compareGridTitle%1").arg(i));
  }
  GridView* views[3] = {grid_a_, grid_b_, grid_difference_};
  for (int i = 0; i < 3; ++i) {
    grid_scale_[i] = new ColorBar;
    grid_scale_[i]->setObjectName(QStringLiteral("compareScale%1").arg(i));
    grids->addWidget(titled_scroll(grid_title_[i], views[i], grid_scale_[i], grid_area_[i]));
  }
  set_grid_titles({}, {});
  grids->addWidget(ranking_);
  for (int i = 0; i < 3; ++i) grids->setStretchFactor(i, 1);
  grids->setStretchFactor(3, 0);
  link_grids();
  connect(ranking_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { grid_a_->select_filter(item->data(Qt::UserRole).toInt()); });
  return grids;
}

// The three grids move as one: the selected filter, the zoom (or fitting)
// and the scroll position, so the same filter sits at the same place in A,
// B and A - B.
void ComparePane::link_grids() {
  GridView* views[3] = {grid_a_, grid_b_, grid_difference_};
  for (int i = 0; i < 3; ++i) {
    GridView* view = views[i];
    connect(view, &GridView::selectionChanged, this, [this](int filter) {
      for (GridView* other : {grid_a_, grid_b_, grid_difference_}) other->select_filter(filter);
    });
    connect(view, &GridView::layoutChanged, this, [this, view] {
      for (GridView* other : {grid_a_, grid_b_, grid_difference_}) {
        if (other == view) continue;
        if (view->fits()) {
          if (!other->fits()) other->fit();
        } else if (other->fits() || other->zoom() != view->zoom()) {
          other->set_zoom(view->zoom());
        }
      }
    });
    grid_area_[i]->viewport()->installEventFilter(this);
    for (QScrollBar* (QAbstractScrollArea::*bar)() const :
         {&QAbstractScrollArea::verticalScrollBar, &QAbstractScrollArea::horizontalScrollBar}) {
      connect((grid_area_[i]->*bar)(), &QScrollBar::valueChanged, this, [this, i, bar](int value) {
        for (int other = 0; other < 3; ++other) {
          if (other != i) (grid_area_[other]->*bar)()->setValue(value);
        }
      });
    }
  }
}

// An area changed size: the three grids lay out for the smallest.
bool ComparePane::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Resize) {
    QSize room = grid_area_[0]->viewport()->size();
    for (QScrollArea* area : grid_area_) room = room.boundedTo(area->viewport()->size());
    for (GridView* view : {grid_a_, grid_b_, grid_difference_}) view->set_shared_room(room);
  }
  return QWidget::eventFilter(watched, event);
}

void ComparePane::zoom_by(double factor) { grid_a_->set_zoom(grid_a_->zoom() * factor); }

void ComparePane::fit_grids() { grid_a_->fit(); }

void ComparePane::actual_size() { grid_a_->set_zoom(1.0); }

QScrollArea* ComparePane::grid_area(int which) const { return grid_area_[which]; }

// The mode; then choosing image B (or asking for a proposal), or B's partner layer.
QWidget* ComparePane::build_choice_row() {
  auto* top = new QWidget;
  auto* top_layout = new QHBoxLayout(top);
  top_layout->setContentsMargins(4, 4, 4, 0);
  mode_box_->setObjectName(QStringLiteral("compareMode"));
  mode_box_->addItem(tr("Two images, one model"), static_cast<int>(CompareMode::kImages));
  mode_box_->addItem(tr("One image, two models (A and B)"), static_cast<int>(CompareMode::kModels));
  mode_box_->setToolTip(
      tr("Two images through the open model, or the current image through the open model (A) and a second "
         "model (B: File > Open Second Model...)"));
  connect(mode_box_, qOverload<int>(&QComboBox::activated), this,
          [this] { Q_EMIT modeChosen(mode_box_->currentData().toInt()); });
  top_layout->addWidget(mode_box_);

  image_row_ = new QWidget;
  auto* image_layout = new QHBoxLayout(image_row_);
  image_layout->setContentsMargins(0, 0, 0, 0);
  image_layout->addWidget(new QLabel(tr("Compare with image B")));
  image_layout->addWidget(image_b_, 1);
  auto* propose = new QPushButton(tr("Propose B"));
  propose->setObjectName(QStringLiteral("compareProposeB"));
  propose->setToolTip(
      tr("The correctly classified open image of A's true class nearest to A "
         "in the penultimate layer's features"));
  connect(propose, &QPushButton::clicked, this, &ComparePane::proposeRequested);
  image_layout->addWidget(propose);
  top_layout->addWidget(image_row_, 1);

  partner_row_ = new QWidget;
  auto* partner_layout = new QHBoxLayout(partner_row_);
  partner_layout->setContentsMargins(0, 0, 0, 0);
  partner_layout->addWidget(new QLabel(tr("B's layer")));
  partner_->setObjectName(QStringLiteral("comparePartnerLayer"));
  partner_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  partner_->setToolTip(tr("B's layer compared with the browsed layer of A"));
  connect(partner_, qOverload<int>(&QComboBox::activated), this,
          [this] { Q_EMIT partnerLayerChosen(partner_->currentData().toString()); });
  partner_layout->addWidget(partner_);
  partner_layout->addStretch(1);
  top_layout->addWidget(partner_row_, 1);
  return top;
}

void ComparePane::set_mode(CompareMode mode) {
  mode_ = mode;
  mode_box_->setCurrentIndex(mode_box_->findData(static_cast<int>(mode)));
  const bool models = mode == CompareMode::kModels;
  image_row_->setVisible(!models);
  partner_row_->setVisible(models);
  explanations_->setVisible(!models);  // a prediction per image: not of this mode
  hint_->setVisible(!models && !second_model_.isEmpty());
}

void ComparePane::set_second_model(const QString& b_file) {
  second_model_ = b_file;
  auto* items = qobject_cast<QStandardItemModel*>(mode_box_->model());
  QStandardItem* models = items->item(mode_box_->findData(static_cast<int>(CompareMode::kModels)));
  models->setEnabled(!b_file.isEmpty());
  models->setToolTip(b_file.isEmpty() ? tr("Open a second model first: File > Open Second Model...")
                                      : tr("The current image through the open model (A) and %1 (B)").arg(b_file));
  hint_->setText(tr("Model B (%1) is open: \"One image, two models\" compares the current image through "
                    "the open model and B, layer by layer.")
                     .arg(b_file));
  hint_->setVisible(mode_ == CompareMode::kImages && !b_file.isEmpty());
}

void ComparePane::set_partner_layers(const QStringList& names, const QStringList& shapes, const QString& current,
                                     bool enabled, const QString& note) {
  partner_->clear();
  for (int i = 0; i < names.size(); ++i) {
    const QString shape = i < shapes.size() ? shapes[i] : QString();
    partner_->addItem(shape.isEmpty() ? names[i] : QStringLiteral("%1  %2").arg(names[i], shape), names[i]);
  }
  partner_->setCurrentIndex(partner_->findData(current));
  partner_->setEnabled(enabled);
  partner_->setToolTip(note);
}

// Per image: its caption, then the input and its CAMs for the predicted and the true class.
QWidget* ComparePane::build_explanations() {
  auto* explanations = new QWidget;
  auto* explanation_layout = new QGridLayout(explanations);
  explanation_layout->setContentsMargins(4, 0, 4, 0);
  const QString letters[2] = {QStringLiteral("A"), QStringLiteral("B")};
  const QString kinds[3] = {QStringLiteral("Input"), QStringLiteral("CamPredicted"),
                            QStringLiteral("CamTrue")};
  // Per image: its caption over its three pictures, each titled in at most
  // two lines of the picture's width; A on the left, B on the right. Six
  // pictures and two captions fit the width Compare has at 1024x640.
  for (int image = 0; image < 2; ++image) {
    const int first_column = image * 4;  // A: 0..2, a gap at 3, B: 4..6
    explanation_caption_[image] = new QLabel;
    explanation_caption_[image]->setObjectName(QStringLiteral("compareCaption") + letters[image]);
    explanation_caption_[image]->setWordWrap(true);
    explanation_caption_[image]->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    explanation_layout->addWidget(explanation_caption_[image], 0, first_column, 1, 3);
    for (int kind = 0; kind < 3; ++kind) {
      explanation_title_[image][kind] = new QLabel;
      explanation_title_[image][kind]->setWordWrap(true);
      explanation_title_[image][kind]->setFixedWidth(kPicture);
      explanation_title_[image][kind]->setAlignment(Qt::AlignLeft | Qt::AlignBottom);
      explanation_title_[image][kind]->setFixedHeight(2 * explanation_title_[image][kind]->fontMetrics().lineSpacing() + 2);
      explanation_picture_[image][kind] = new QLabel;
      explanation_picture_[image][kind]->setObjectName(QStringLiteral("compare") + kinds[kind] +
                                                       letters[image]);
      explanation_picture_[image][kind]->setFixedSize(kPicture, kPicture);
      explanation_layout->addWidget(explanation_title_[image][kind], 1, first_column + kind);
      explanation_layout->addWidget(explanation_picture_[image][kind], 2, first_column + kind);
    }
  }
  explanation_layout->setColumnMinimumWidth(3, 12);
  explanation_layout->setColumnStretch(3, 1);
  explanation_layout->setColumnStretch(7, 1);
  explanation_layout->setVerticalSpacing(2);

  return explanations;
}

void ComparePane::set_images(const QStringList& names) {
  image_b_->clear();
  image_b_->addItem(tr("(choose)"), -1);
  for (int i = 0; i < names.size(); ++i) image_b_->addItem(names[i], i);
}

int ComparePane::image_b() const {
  return image_b_->currentData().isValid() ? image_b_->currentData().toInt() : -1;
}

void ComparePane::set_image_b(int index) {
  const int row = image_b_->findData(index);
  image_b_->setCurrentIndex(row >= 0 ? row : 0);  // `activated` only follows the user's choices
}

void ComparePane::show_comparison(const std::string& layer, const QString& a_caption,
                                  const QString& b_caption, FloatArray a_values, FloatArray b_values,
                                  std::shared_ptr<const LayerComparison> comparison) {
  const LayerComparison& shown = *comparison;
  ComparisonGrids grids =
      compose_comparison_grids(layer, a_caption.toStdString(), b_caption.toStdString(), shown);
  auto view_of = [](const NormalizedMaps& maps, const float* raw, Grid grid) {
    auto view = std::make_shared<LayerView>();
    view->maps = maps;
    view->raw = raw;
    view->grid = std::move(grid);
    return std::shared_ptr<const LayerView>(std::move(view));
  };
  grid_a_->set_view(view_of(shown.a, a_values.data(), std::move(grids.a)));
  grid_b_->set_view(view_of(shown.b, b_values.data(), std::move(grids.b)));
  grid_difference_->set_view(
      view_of(shown.difference, shown.raw_difference.data(), std::move(grids.difference)));
  a_values_ = std::move(a_values);  // after the views: the old values go only now
  b_values_ = std::move(b_values);
  comparison_ = std::move(comparison);
  ranking_->clear();
  for (const auto& filter : shown.ranking) {
    auto* item = new QListWidgetItem(
        QStringLiteral("filter %1  %2").arg(filter.filter).arg(filter.difference, 0, 'g', 3), ranking_);
    item->setData(Qt::UserRole, filter.filter);
  }
  set_grid_titles(a_caption, b_caption);
  // A and B: each filter on one range shared by both images; A - B: the
  // layer's largest |A - B| at either end, in the layer's units.
  const ColorScale shared{Colormap::kViridis, 0.0, 1.0, "0..1 of each filter's range over A and B"};
  grid_scale_[0]->set_scale(shared);
  grid_scale_[1]->set_scale(shared);
  grid_scale_[2]->set_scale(ColorScale{Colormap::kCoolwarm, -shown.difference_scale, shown.difference_scale,
                                       "A - B, one scale for the layer"});
  // The captions start with their letter ("A: coat.png ..."): not repeated here.
  summary_->setText(tr("%1: %2; %3; largest difference of a filter's mean: %4")
                        .arg(QString::fromStdString(layer), a_caption, b_caption)
                        .arg(shown.ranking.empty() ? 0.0 : shown.ranking.front().difference, 0, 'g', 3));
}

void ComparePane::show_side_by_side(const QString& a_caption, std::shared_ptr<const LayerView> a,
                                    const QString& b_caption, std::shared_ptr<const LayerView> b,
                                    const QString& why) {
  grid_scale_[0]->set_scale(a->scale);
  grid_scale_[1]->set_scale(b->scale);
  grid_scale_[2]->clear();
  grid_a_->set_view(std::move(a));
  grid_b_->set_view(std::move(b));
  grid_difference_->clear(why);
  a_values_ = {};
  b_values_ = {};
  comparison_.reset();
  ranking_->clear();
  set_grid_titles(a_caption, b_caption);
  grid_title_[2]->setText(tr("No A - B: the layers differ in shape"));
  summary_->setText(why);
}

void ComparePane::set_summary(const QString& text) { summary_->setText(text); }

void ComparePane::set_grid_titles(const QString& a_caption, const QString& b_caption) {
  grid_title_[0]->setText(a_caption.isEmpty() ? tr("A (current image)") : a_caption);
  grid_title_[1]->setText(b_caption.isEmpty() ? tr("B") : b_caption);
  grid_title_[2]->setText(tr("A - B, one scale for the layer"));
}

void ComparePane::clear(const QString& message) {
  set_grid_titles({}, {});
  for (ColorBar* scale : grid_scale_) scale->clear();
  const QString text =
      message.isEmpty() ? tr("Choose image B to compare the current image with, layer by layer.") : message;
  for (GridView* view : {grid_a_, grid_b_, grid_difference_}) view->clear(text);
  ranking_->clear();
  summary_->setText(text);
  a_values_ = {};
  b_values_ = {};
  comparison_.reset();
  show_explanations(ModelCard{}, nullptr, nullptr);
}

void ComparePane::show_explanations(const ModelCard& card, const ImageExplanation* a,
                                    const ImageExplanation* b) {
  const ImageExplanation* images[2] = {a, b};
  const std::string letters[2] = {"A", "B"};
  for (int i = 0; i < 2; ++i) {
    const ImageExplanation* image = images[i];
    for (int kind = 0; kind < 3; ++kind) {
      explanation_picture_[i][kind]->clear();
      explanation_title_[i][kind]->clear();
    }
    if (!image) {
      explanation_caption_[i]->clear();
      continue;
    }
    QString caption = QString::fromStdString(describe_prediction(card, letters[i], *image));
    if (!image->cam_error.empty())
      caption += tr("\nno Grad-CAM: %1").arg(QString::fromStdString(image->cam_error));
    explanation_caption_[i]->setText(caption);
    explanation_title_[i][0]->setText(tr("input"));
    explanation_picture_[i][0]->setPixmap(scaled_pixmap(image->display, kPicture));
    const std::vector<float>* maps[2] = {&image->cam_predicted, &image->cam_true};
    const int classes[2] = {image->predicted.class_index, image->true_class};
    for (int kind = 0; kind < 2; ++kind) {
      if (maps[kind]->empty()) continue;
      explanation_title_[i][kind + 1]->setText((kind == 0 ? tr("%1 (predicted)") : tr("%1 (true)"))
                                                   .arg(QString::fromStdString(card.label(classes[kind]))));
      explanation_picture_[i][kind + 1]->setPixmap(scaled_pixmap(
          cam_overlay(image->display, maps[kind]->data(), image->cam_height, image->cam_width), kPicture));
    }
  }
}

}  // namespace actscope
