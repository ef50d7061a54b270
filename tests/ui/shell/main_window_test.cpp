// The main window, driven offscreen through its real widgets.
#include "ui/shell/main_window.h"
#include "ui/panes/activations_pane.h"
#include "ui/panes/picture_pane.h"
#include "ui/panes/image_strip.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

#include "core/explain/effective_field.h"
#include "core/io/sha256.h"
#include "core/maps/cam_render.h"
#include "core/model/image_input.h"
#include "core/model/model.h"
#include "tests/support/export_support.h"
#include "tests/support/pane_support.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/controllers/cam_controller.h"
#include "ui/controllers/compare_controller.h"
#include "ui/controllers/export_controller.h"
#include "ui/controllers/session_controller.h"
#include "ui/panes/cam_pane.h"
#include "ui/panes/card_dialog.h"
#include "ui/state/workspace.h"
#include "ui/widgets/color_bar.h"
#include "ui/widgets/grid_view.h"

namespace actscope {
namespace {

TEST(MainWindowTest, ShowsEverySampleWithItsPredictedClass) {
  MainWindow window;
  window.show();
  const QStringList images = sample_paths();
  ASSERT_FALSE(images.isEmpty());
  const QStringList errors =
      open_and_wait(window, QString::fromStdString(test::bundled_model().string()), images);
  EXPECT_TRUE(errors.isEmpty()) << errors.join('\n').toStdString();

  auto* strip = window.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  ASSERT_NE(strip, nullptr);
  ASSERT_EQ(strip->count(), images.size());
  const auto samples = test::samples_manifest()["samples"];
  for (int row = 0; row < strip->count(); ++row) {
    const QString text = strip->item(row)->data(ImageStrip::kCaptionRole).toString();
    for (const auto& sample : samples) {
      if (text.startsWith(QString::fromStdString(sample["file"].get<std::string>()))) {
        EXPECT_EQ(strip->item(row)->data(Qt::UserRole).toInt(), sample["predicted_class"].get<int>())
            << text.toStdString();
        EXPECT_TRUE(text.contains(QString::fromStdString(sample["predicted_label"].get<std::string>())));
      }
    }
  }
}

TEST(MainWindowTest, BadModelShowsAMessageInsteadOfCrashing) {
  MainWindow window;
  window.show();
  const QStringList errors = open_and_wait(window, QStringLiteral("/nowhere/missing.pt"), sample_paths());
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains(QStringLiteral("/nowhere/missing.pt"))) << errors[0].toStdString();
  EXPECT_EQ(window.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 0);
}

TEST(MainWindowTest, UnreadableImageIsReportedAndTheRestShown) {
  test::TempDir dir;
  test::write_file(dir / "broken.png", "not an image");
  MainWindow window;
  window.show();
  QStringList images = sample_paths().mid(0, 2);
  images << QString::fromStdString((dir / "broken.png").string());
  const QStringList errors =
      open_and_wait(window, QString::fromStdString(test::bundled_model().string()), images);
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains(QStringLiteral("broken.png")));
  EXPECT_EQ(window.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 2);
}

TEST(MainWindowTest, ModelWithoutCardAsksForItsInputInADialog) {
  MainWindow window;
  window.show();
  QSignalSpy asked(&window.session(), &SessionController::cardRequested);
  QSignalSpy shown(&window, &MainWindow::sessionShown);
  const QStringList images = sample_paths().mid(0, 2);
  window.open(QString::fromStdString((test::fixture_dir() / "twice_scripted.pt").string()), images);
  ASSERT_TRUE(asked.wait(60000));
  auto* dialog = window.findChild<CardDialog*>(QStringLiteral("cardDialog"));
  ASSERT_NE(dialog, nullptr);
  // The first conv layer of the model takes 3 channels: the dialog suggests it.
  EXPECT_EQ(dialog->findChild<QSpinBox*>(QStringLiteral("channels"))->value(), 3);
  dialog->findChild<QSpinBox*>(QStringLiteral("height"))->setValue(16);
  dialog->findChild<QSpinBox*>(QStringLiteral("width"))->setValue(16);
  dialog->findChild<QLineEdit*>(QStringLiteral("mean"))->setText(QStringLiteral("0.5, 0.5"));
  dialog->findChild<QLineEdit*>(QStringLiteral("std"))->setText(QStringLiteral("0.25"));
  dialog->accept();
  EXPECT_TRUE(dialog->isVisible()) << "two means for three channels must be refused";
  dialog->findChild<QLineEdit*>(QStringLiteral("mean"))->setText(QStringLiteral("0.5, 0.5, 0.5"));
  dialog->accept();
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_TRUE(shown.takeFirst().at(0).toStringList().isEmpty());
  EXPECT_EQ(window.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 2);
}

QTreeWidgetItem* tree_item(QTreeWidget* tree, const QString& layer) {
  for (QTreeWidgetItem* item : tree->findItems(QStringLiteral("*"), Qt::MatchWildcard | Qt::MatchRecursive)) {
    // The tooltip's first line is the layer's name (the receptive field follows).
    if (item->data(0, Qt::ToolTipRole).toString().section('\n', 0, 0) == layer) return item;
  }
  return nullptr;
}

class BrowsingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    window_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window_));
    // Made before opening: the CAM of the first image may be shown before
    // the capture's wait returns.
    cam_shown_ = std::make_unique<QSignalSpy>(&window_.cam(), &CamController::camShown);
    open_and_wait_for_capture(window_, bundled(), sample_paths().mid(0, 3));
    tree_ = window_.findChild<QTreeWidget*>(QStringLiteral("layerTree"));
    grid_ = window_.findChild<GridView*>(QStringLiteral("activationGrid"));
    ASSERT_NE(tree_, nullptr);
    ASSERT_NE(grid_, nullptr);
  }

  MainWindow window_;
  std::unique_ptr<QSignalSpy> cam_shown_;
  QTreeWidget* tree_ = nullptr;
  GridView* grid_ = nullptr;
};

TEST_F(BrowsingTest, SelectingALayerInTheTreeShowsOneTilePerFilter) {
  struct Expected {
    const char* layer;
    int filters;
    int size;
  };
  for (const Expected& expected :
       {Expected{"conv3", 64, 14}, Expected{"bn5", 128, 7}, Expected{"relu1", 32, 28}}) {
    const QString layer = QString::fromLatin1(expected.layer);
    QTreeWidgetItem* item = tree_item(tree_, layer);
    ASSERT_NE(item, nullptr) << expected.layer;
    tree_->setCurrentItem(item);
    EXPECT_EQ(window_.workspace().current_layer(), layer);
    EXPECT_EQ(grid_->tile_count(), expected.filters) << expected.layer;
    EXPECT_EQ(item->text(2), QStringLiteral("1x%1x%2x%2").arg(expected.filters).arg(expected.size));
  }
}

TEST_F(BrowsingTest, PageDownAndPageUpMoveThroughTheLayers) {
  window_.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window_));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv1")));
  QTest::keyClick(&window_, Qt::Key_PageDown);
  EXPECT_EQ(window_.workspace().current_layer(), QStringLiteral("bn1"));
  QTest::keyClick(&window_, Qt::Key_PageDown);
  EXPECT_EQ(window_.workspace().current_layer(), QStringLiteral("relu1"));
  QTest::keyClick(&window_, Qt::Key_PageUp);
  EXPECT_EQ(window_.workspace().current_layer(), QStringLiteral("bn1"));
  EXPECT_EQ(tree_->currentItem()->data(0, Qt::ToolTipRole).toString().section('\n', 0, 0), QStringLiteral("bn1"));
}

TEST_F(BrowsingTest, ArrowsMoveTheSelectionAndEnterEnlargesEscGoesBack) {
  window_.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window_));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv2")));
  grid_->setFocus();
  grid_->select_tile(0);
  QTest::keyClick(grid_, Qt::Key_Right);
  EXPECT_EQ(grid_->selected_filter(), 1);
  QTest::keyClick(grid_, Qt::Key_Down);
  EXPECT_EQ(grid_->selected_filter(), 1 + grid_->columns());  // one row down on screen
  EXPECT_EQ(grid_->tile_rect(grid_->selected_filter()).left(), grid_->tile_rect(1).left());
  QTest::keyClick(grid_, Qt::Key_Return);
  EXPECT_EQ(window_.current_page(), static_cast<QWidget*>(window_.activations().enlarged()));
  EXPECT_FALSE(window_.findChild<QLabel*>(QStringLiteral("enlargedView"))->pixmap().isNull());
  QTest::keyClick(&window_, Qt::Key_Escape);
  EXPECT_EQ(window_.current_page(), static_cast<QWidget*>(window_.activations().pane()));
}

TEST_F(BrowsingTest, HoverNamesTheFilterAndItsValue) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv1")));
  // Just inside the first tile's top-left corner: filter 0, position (0, 0).
  const QPoint corner = grid_->tile_rect(0).topLeft() + QPoint(1, 1);
  const QString text = grid_->describe(corner);
  EXPECT_TRUE(text.startsWith(QStringLiteral("filter 0 "))) << text.toStdString();
  const QString value = QString::number(grid_->view().raw[0], 'g', 4);
  EXPECT_TRUE(text.contains(QStringLiteral("row 0, column 0 = ") + value)) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("mean"))) << text.toStdString();
  EXPECT_TRUE(grid_->describe(QPoint(1, 1)).isEmpty());  // the caption is no tile
}

// Waits (on the event loop) until the model's receptive fields are known.
bool wait_for_fields(Workspace& workspace) {
  if (workspace.has_receptive_fields()) return true;
  QSignalSpy computed(&workspace, &Workspace::fieldsChanged);
  return computed.wait(60000);
}

// The first and last rows and columns of `image` that hold the box's white
// line, or an empty rect when there is none.
QRect white_box(const QImage& image) {
  int left = image.width(), top = image.height(), right = -1, bottom = -1;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      if (image.pixel(x, y) != qRgb(255, 255, 255)) continue;
      left = std::min(left, x);
      right = std::max(right, x);
      top = std::min(top, y);
      bottom = std::max(bottom, y);
    }
  }
  return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

TEST_F(BrowsingTest, HoveringAUnitDrawsItsReceptiveFieldOnTheInput) {
  ASSERT_TRUE(wait_for_fields(window_.workspace()));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv4")));
  // conv4 of the bundled model: 3x3 convolutions and a 2x2 pool give 14x14
  // pixels, 2 apart, starting at -6: unit (9, 4) sees rows 12..25, columns 2..15.
  const ReceptiveField* field = window_.workspace().receptive_field(QStringLiteral("conv4"));
  ASSERT_NE(field, nullptr);
  ASSERT_EQ(field->kind, ReceptiveField::Kind::kSpatial);
  EXPECT_EQ(field->rows.size, 14);
  EXPECT_EQ(field->rows.stride, 2);
  EXPECT_EQ(field->rows.start, -6);
  const QPoint at = grid_->unit_position(5, 9, 4);
  ASSERT_GE(at.x(), 0);
  QTest::mouseMove(grid_, at);
  auto* input = window_.findChild<QLabel*>(QStringLiteral("camInput"));
  const QRect expected(static_cast<int>(field->cols.start + 4 * field->cols.stride),
                       static_cast<int>(field->rows.start + 9 * field->rows.stride), 14, 14);
  EXPECT_EQ(window_.cam().pane()->field_box(), expected.intersected(QRect(0, 0, 28, 28)));
  EXPECT_EQ(window_.cam().pane()->field_box(), QRect(QPoint(2, 12), QPoint(15, 25)));
  // On screen: the white line lies on the box's edges, scaled from 28 to the picture.
  const QImage shown = input->pixmap().toImage().convertToFormat(QImage::Format_RGB32);
  const double scale = shown.width() / 28.0;
  const QRect drawn = white_box(shown);
  ASSERT_FALSE(drawn.isEmpty());
  const QRect box = window_.cam().pane()->field_box();
  EXPECT_NEAR(drawn.left(), box.left() * scale, 1.5);
  EXPECT_NEAR(drawn.top(), box.top() * scale, 1.5);
  EXPECT_NEAR(drawn.width(), box.width() * scale, 2.5);
  EXPECT_NEAR(drawn.height(), box.height() * scale, 2.5);
  auto* note = window_.findChild<QLabel*>(QStringLiteral("camFieldNote"));
  EXPECT_TRUE(note->text().contains(QStringLiteral("conv4 filter 5, row 9, column 4 sees input rows 12..25, columns 2..15"))) << note->text().toStdString();
  EXPECT_TRUE(note->text().contains(QStringLiteral("14x14 px, stride 2"))) << note->text().toStdString();
  // The tree and the Model dock give the layer's field.
  EXPECT_TRUE(tree_item(tree_, QStringLiteral("conv4"))->toolTip(0).contains(QStringLiteral("14x14 px, stride 2")));
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("modelSummary"))->text().contains(
      QStringLiteral("receptive field 14x14 px, stride 2")));
  // Another layer: the old box goes.
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv5")));
  EXPECT_TRUE(window_.cam().pane()->field_box().isEmpty());
  EXPECT_TRUE(white_box(input->pixmap().toImage().convertToFormat(QImage::Format_RGB32)).isEmpty());
}

TEST_F(BrowsingTest, EffectiveFieldIsDrawnWithItsScaleWhenAsked) {
  ASSERT_TRUE(wait_for_fields(window_.workspace()));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv3")));
  window_.findChild<QCheckBox*>(QStringLiteral("camEffectiveField"))->setChecked(true);
  QSignalSpy shown(&window_.cam(), &CamController::fieldShown);
  QTest::mouseMove(grid_, grid_->unit_position(2, 7, 7));
  ASSERT_TRUE(shown.wait(60000));
  auto* scale = window_.findChild<ColorBar*>(QStringLiteral("camFieldScale"));
  ASSERT_TRUE(scale->has_scale());
  EXPECT_TRUE(scale->isVisible());
  EXPECT_EQ(scale->numbers().front(), QStringLiteral("0"));
  auto* note = window_.findChild<QLabel*>(QStringLiteral("camFieldNote"));
  EXPECT_TRUE(note->text().contains(QStringLiteral("of the gradient inside the box")) ||
              note->text().contains(QStringLiteral("zero gradient")))
      << note->text().toStdString();
  // The drawn map is the hovered unit's effective field over the input: the
  // field computed again here by a model of its own, zero outside the
  // receptive-field box and not zero inside it.
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model.ok()) << model.error();
  const InputImage& input = window_.workspace().images()[window_.workspace().current_image()].input;
  auto field = effective_field(*model.value(), input, UnitRequest{"conv3", 7, 7, 2});
  ASSERT_TRUE(field.ok()) << field.error();
  const auto& shape = field.value().map.shape();
  const int height = static_cast<int>(shape[0]), width = static_cast<int>(shape[1]);
  const QRect box = window_.findChild<CamPane*>()->field_box();
  float inside = 0.0f;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float value = field.value().map.data()[y * width + x];
      if (box.contains(x, y)) {
        inside = std::max(inside, value);
      } else {
        EXPECT_EQ(value, 0.0f) << "(" << y << ", " << x << ") outside the box";
      }
    }
  }
  EXPECT_GT(inside, 0.0f);
  const RgbImage expected = cam_overlay(input.display, field.value().map.data(), height, width, Colormap::kJet, 0.4f);
  EXPECT_EQ(window_.findChild<CamPane*>()->input_picture().pixels, expected.pixels);
}

// Nothing stale: the receptive-field box of the unit under the mouse goes
// when the mouse leaves the grid (it stayed, on every tab, until the layer
// or image changed).
TEST_F(BrowsingTest, TheFieldBoxGoesWhenTheMouseLeavesTheGrid) {
  ASSERT_TRUE(wait_for_fields(window_.workspace()));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv4")));
  auto* pane = window_.cam().pane();
  const RgbImage plain = pane->input_picture();
  const QPoint at = grid_->unit_position(5, 9, 4);
  ASSERT_GE(at.x(), 0);
  QTest::mouseMove(grid_, at);
  ASSERT_FALSE(pane->field_box().isEmpty());
  QEvent leave(QEvent::Leave);
  QCoreApplication::sendEvent(grid_, &leave);
  EXPECT_TRUE(pane->field_box().isEmpty());
  EXPECT_EQ(pane->input_picture().pixels, plain.pixels);
  EXPECT_TRUE(window_.findChild<QLabel*>(QStringLiteral("camFieldNote"))->text().startsWith(QStringLiteral("Hover")));
}

// Nothing stale: the status line names the layer browsed (it named the layer
// of the last capture).
TEST_F(BrowsingTest, TheStatusLineFollowsTheBrowsedLayer) {
  for (const char* layer : {"relu4", "conv2", ":max_pool2d"}) {
    ASSERT_TRUE(window_.activations().select_layer(QString::fromLatin1(layer)));
    const QString status = window_.statusBar()->currentMessage();
    EXPECT_TRUE(status.startsWith(QString::fromLatin1(layer) + QStringLiteral(": "))) << status.toStdString();
  }
  EXPECT_TRUE(window_.statusBar()->currentMessage().contains(QStringLiteral("1x32x14x14")))
      << window_.statusBar()->currentMessage().toStdString();
}

TEST_F(BrowsingTest, BeforeActivationShowsTheSignedInputOfTheRelu) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("relu2")));
  auto* toggle = window_.findChild<QCheckBox*>(QStringLiteral("preActivation"));
  ASSERT_TRUE(toggle->isEnabled());
  toggle->setChecked(true);
  auto* pre = window_.findChild<GridView*>(QStringLiteral("preActivationGrid"));
  ASSERT_TRUE(pre->isVisible());
  EXPECT_EQ(pre->tile_count(), 32);
  // bn2's values before the ReLU have negatives; after it they do not.
  bool negative = false;
  for (const auto& stats : pre->view().maps.stats) negative = negative || stats.min < 0;
  EXPECT_TRUE(negative);
  for (const auto& stats : grid_->view().maps.stats) EXPECT_GE(stats.min, 0.0f);
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv2")));  // no activation of its own
  EXPECT_FALSE(toggle->isEnabled());
  EXPECT_FALSE(pre->isVisible());
}

TEST_F(BrowsingTest, ClickingAPredictedClassRecomputesTheCamForIt) {
  if (cam_shown_->isEmpty()) {
    ASSERT_TRUE(cam_shown_->wait(60000));
  }
  auto* predictions = window_.findChild<QListWidget*>(QStringLiteral("predictions"));
  ASSERT_GE(predictions->count(), 2);
  QListWidgetItem* second = predictions->item(1);
  const int target = second->data(Qt::UserRole).toInt();
  cam_shown_->clear();
  QTest::mouseClick(predictions->viewport(), Qt::LeftButton, {},
                    predictions->visualItemRect(second).center());
  ASSERT_TRUE(cam_shown_->wait(60000));
  EXPECT_EQ(window_.cam().target_class(), target);
  const QString caption = window_.findChild<QLabel*>(QStringLiteral("camCaption"))->text();
  EXPECT_TRUE(caption.contains(QStringLiteral("class %1").arg(target))) << caption.toStdString();
  EXPECT_FALSE(window_.findChild<QLabel*>(QStringLiteral("camOverlay"))->pixmap().isNull());
  EXPECT_FALSE(window_.findChild<QLabel*>(QStringLiteral("camMasked"))->pixmap().isNull());
}

TEST_F(BrowsingTest, ExportsWriteTheGridTheCamAndEveryLayer) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv4")));
  test::TempDir dir;
  const QString grid_png = QString::fromStdString((dir / "conv4.png").string());
  auto written = test::exported(window_.activations(), grid_png, [&] { window_.activations().export_grid(grid_png); });
  ASSERT_TRUE(written.ok()) << written.error();
  const QImage image(grid_png);
  EXPECT_EQ(image.size(), QSize(grid_->view().grid.image.width, grid_->view().grid.image.height));
  EXPECT_GT(image.width(), 8 * 48);  // 64 tiles of at least 48 px, 8 per row

  QSignalSpy cam_shown(&window_.cam(), &CamController::camShown);
  const QString cam_png = QString::fromStdString((dir / "cam.png").string());
  const auto export_cam = [&] { return test::exported(window_.cam(), cam_png, [&] { window_.cam().export_cam(cam_png); }); };
  if (!export_cam().ok()) {
    ASSERT_TRUE(cam_shown.wait(60000));
    written = export_cam();
    ASSERT_TRUE(written.ok()) << written.error();
  }
  const QImage cam(QString::fromStdString((dir / "cam.png").string()));
  EXPECT_GE(std::min(cam.width(), cam.height()), 224);  // the 28x28 input, enlarged to be read

  QSignalSpy finished(&window_.exports(), &ExportController::exportFinished);
  window_.exports().export_all_layers(QString::fromStdString(dir.path().string()));
  ASSERT_TRUE(finished.wait(60000));
  EXPECT_TRUE(finished.takeFirst().at(0).toString().isEmpty());
  // The manifest names the model by its digest and lists every layer's grid,
  // each whole; relu5's is the grid the window shows for it, pixel for pixel.
  const auto manifest = nlohmann::json::parse(test::read_file(dir / "manifest.json"));
  EXPECT_EQ(manifest["model"]["sha256"], sha256_of_file(bundled().toStdString()).value());
  ASSERT_EQ(manifest["layers"].size(), window_.workspace().model()->layers().size());
  EXPECT_EQ(test::partial_files_in(dir.path()), std::vector<std::string>{});
  for (const auto& layer : manifest["layers"]) EXPECT_TRUE(std::filesystem::exists(dir / layer["png"].get<std::string>()));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("relu5")));
  const RgbImage& shown = grid_->view().grid.image;
  const RgbImage relu5 = test::read_rgb(QString::fromStdString((dir / "relu5.png").string()));
  EXPECT_EQ(relu5.width, shown.width);
  EXPECT_TRUE(relu5.pixels == shown.pixels) << "relu5.png is not the grid on screen";
}

TEST_F(BrowsingTest, CorruptModelShowsAnErrorAndTheWindowKeepsWorking) {
  test::TempDir dir;
  test::write_file(dir / "corrupt.pt", "PK\x03\x04 this is not a TorchScript archive");
  const QStringList errors =
      open_and_wait(window_, QString::fromStdString((dir / "corrupt.pt").string()), sample_paths().mid(0, 1));
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains(QStringLiteral("corrupt.pt"))) << errors[0].toStdString();
  auto* box = window_.findChild<QMessageBox*>(QStringLiteral("errorMessage"));
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->text().contains(QStringLiteral("corrupt.pt")));
  box->accept();
  // The model that was open stays usable.
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv5")));
  EXPECT_EQ(grid_->tile_count(), 128);
  open_and_wait_for_capture(window_, bundled(), sample_paths().mid(3, 1));
  EXPECT_EQ(window_.findChild<QListWidget*>(QStringLiteral("imageStrip"))->count(), 1);
}

TEST_F(BrowsingTest, NextImageRunsItOnceAndKeepsTheLayer) {
  window_.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window_));
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("bn3")));
  QSignalSpy captured(&window_.activations(), &ActivationsController::captureShown);
  QTest::keyClick(&window_, Qt::Key_Tab, Qt::ControlModifier);
  ASSERT_TRUE(captured.wait(60000));
  EXPECT_EQ(window_.workspace().current_image(), 1);
  EXPECT_EQ(window_.workspace().current_layer(), QStringLiteral("bn3"));
  EXPECT_EQ(grid_->tile_count(), 64);
}

TEST_F(BrowsingTest, ShortcutsAreListedInTheHelpMenu) {
  QAction* shortcuts = nullptr;
  for (QAction* action : window_.findChildren<QAction*>()) {
    if (action->text() == QStringLiteral("&Shortcuts")) shortcuts = action;
  }
  ASSERT_NE(shortcuts, nullptr);
  shortcuts->trigger();
  auto* dialog = window_.findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
  ASSERT_NE(dialog, nullptr);
  EXPECT_TRUE(dialog->isVisible());
  dialog->close();
}

TEST_F(BrowsingTest, CompareModeShowsThreeGridsOfTheBrowsedLayer) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("conv3")));
  QSignalSpy compared(&window_.compare(), &CompareController::compareShown);
  window_.compare().set_image_b(2);
  ASSERT_TRUE(compared.wait(60000));
  auto* a = window_.findChild<GridView*>(QStringLiteral("compareA"));
  auto* b = window_.findChild<GridView*>(QStringLiteral("compareB"));
  auto* difference = window_.findChild<GridView*>(QStringLiteral("compareDifference"));
  ASSERT_TRUE(a && b && difference);
  EXPECT_TRUE(difference->isVisible());
  for (GridView* grid : {a, b, difference}) EXPECT_EQ(grid->tile_count(), 64);
  EXPECT_EQ(window_.findChild<QListWidget*>(QStringLiteral("compareRanking"))->count(), 64);
  // Two different images differ somewhere.
  bool differs = false;
  for (float value : difference->view().maps.values) differs = differs || value != 0.5f;
  EXPECT_TRUE(differs);
  // Browsing moves all three; selection is shared.
  compared.clear();
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("relu5")));
  ASSERT_FALSE(compared.isEmpty());
  for (GridView* grid : {a, b, difference}) EXPECT_EQ(grid->tile_count(), 128);
  b->select_tile(5);
  EXPECT_EQ(a->selected_filter(), b->selected_filter());
  EXPECT_EQ(difference->selected_filter(), b->selected_filter());
}

TEST_F(BrowsingTest, AnImageComparedWithItselfHasAnEmptyDifferenceGrid) {
  ASSERT_TRUE(window_.activations().select_layer(QStringLiteral("bn2")));
  QSignalSpy compared(&window_.compare(), &CompareController::compareShown);
  window_.compare().set_image_b(window_.workspace().current_image());
  ASSERT_TRUE(compared.wait(60000));
  auto* difference = window_.findChild<GridView*>(QStringLiteral("compareDifference"));
  for (float value : difference->view().maps.values) EXPECT_EQ(value, 0.5f);
  for (const auto& stats : difference->view().maps.stats) EXPECT_EQ(stats.max, 0.0f);
}

TEST_F(BrowsingTest, SettingsAreRememberedByTheNextWindow) {
  auto* colormap = window_.findChild<QComboBox*>(QStringLiteral("colormap"));
  colormap->setCurrentText(QStringLiteral("magma"));
  window_.close();  // saves
  MainWindow next;
  EXPECT_EQ(next.findChild<QComboBox*>(QStringLiteral("colormap"))->currentText(), QStringLiteral("magma"));
  colormap->setCurrentText(QStringLiteral("viridis"));
  window_.close();
}

TEST(MainWindowTest, OpeningCompareOnAMisclassifiedImageProposesTheNearestCorrectOneOfItsClass) {
  MainWindow window;
  window.show();
  open_and_wait_for_capture(window, bundled(), sample_paths());
  auto* strip = window.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  auto row_of = [&](const QString& file) {
    for (int row = 0; row < strip->count(); ++row) {
      if (QFileInfo(strip->item(row)->toolTip()).fileName() == file) return row;
    }
    return -1;
  };
  auto name_of_b = [&] { return QFileInfo(strip->item(window.compare().image_b())->toolTip()).fileName(); };
  window.workspace().set_current_image(
      row_of(QStringLiteral("01236_shirt.png")));  // a Shirt taken for a T-shirt/top
  QSignalSpy compared(&window.compare(), &CompareController::compareShown);
  window.show_view(MainWindow::kCompare);
  ASSERT_TRUE(compared.wait(60000));
  ASSERT_GE(window.compare().image_b(), 0);
  EXPECT_EQ(name_of_b(), QStringLiteral("07654_shirt.png"));  // the one correct Shirt

  // A correct image gets a B only when asked: the other Sandal.
  window.workspace().set_current_image(row_of(QStringLiteral("00021_sandal.png")));
  QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("compareProposeB")), Qt::LeftButton);
  for (int wait = 0; wait < 600 && name_of_b() != QStringLiteral("07208_sandal.png"); ++wait)
    QTest::qWait(100);
  EXPECT_EQ(name_of_b(), QStringLiteral("07208_sandal.png"));

  // A proposal that arrives after the user chose B is dropped.
  window.workspace().set_current_image(row_of(QStringLiteral("01557_bag.png")));  // a Bag taken for a Trouser
  window.compare().set_image_b(-1);
  QSignalSpy settled(&window.compare(), &CompareController::proposalSettled);
  window.show_view(MainWindow::kBrowse);
  window.show_view(MainWindow::kCompare);  // proposes 04309_bag.png on the worker
  const int chosen = row_of(QStringLiteral("08828_trouser.png"));
  window.compare().set_image_b(chosen);
  ASSERT_TRUE(settled.wait(60000));
  EXPECT_FALSE(settled.takeFirst().at(0).toBool()) << "the late proposal was applied";
  EXPECT_EQ(window.compare().image_b(), chosen);
}

// Files dropped on the window as a file manager drops them: a drag with their
// URLs enters, then the drop; true when the window accepted the drop.
bool drop_files(QWidget& window, const QStringList& paths) {
  QMimeData data;
  QList<QUrl> urls;
  for (const QString& path : paths) urls << QUrl::fromLocalFile(path);
  data.setUrls(urls);
  const QPoint at = window.rect().center();
  QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &enter);
  if (!enter.isAccepted()) return false;
  QDropEvent drop(QPointF(at), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &drop);
  return drop.isAccepted();
}

TEST(MainWindowTest, DroppedModelAndImagesAreOpened) {
  MainWindow window;
  window.show();
  QSignalSpy captured(&window.activations(), &ActivationsController::captureShown);
  EXPECT_FALSE(drop_files(window, {sample_paths().at(4)}));  // images without any model
  ASSERT_TRUE(drop_files(window, {bundled(), sample_paths().at(4)}));
  ASSERT_TRUE(captured.wait(60000));
  auto* strip = window.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  ASSERT_EQ(strip->count(), 1);
  EXPECT_TRUE(strip->item(0)->data(ImageStrip::kCaptionRole).toString().startsWith(QFileInfo(sample_paths().at(4)).fileName()));
}

TEST(MainWindowTest, StripShowsTheTrueClassOfMisclassifiedSamples) {
  MainWindow window;
  window.show();
  open_and_wait(window, bundled(), sample_paths());
  auto* strip = window.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  int wrong = 0;
  const auto samples = test::samples_manifest()["samples"];  // a copy: the manifest is a temporary
  for (const auto& sample : samples) {
    for (int row = 0; row < strip->count(); ++row) {
      const QString text = strip->item(row)->data(ImageStrip::kCaptionRole).toString();
      if (!text.startsWith(QString::fromStdString(sample["file"].get<std::string>()))) continue;
      if (sample["correct"].get<bool>()) {
        EXPECT_TRUE(text.endsWith(QStringLiteral("correct"))) << text.toStdString();
      } else {
        ++wrong;
        EXPECT_TRUE(text.contains(QStringLiteral("true: ") +
                                  QString::fromStdString(sample["true_label"].get<std::string>())))
            << text.toStdString();
      }
    }
  }
  // Every misclassified sample of samples.json (the README: 7 of the 20) is
  // in the strip with its true class.
  const auto misclassified = std::count_if(samples.begin(), samples.end(),
                                           [](const auto& sample) { return !sample["correct"].template get<bool>(); });
  EXPECT_EQ(misclassified, 7);
  EXPECT_EQ(wrong, misclassified);
}

// A model without maps once dereferenced a missing layer when its first
// capture arrived.
TEST(MainWindowTest, ModelWithoutMapsOpensOnAVectorLayerAndExplainsTheCam) {
  MainWindow window;
  window.show();
  ModelCard card;
  card.channels = 3;
  card.height = 16;
  card.width = 16;
  card.mean = {0.5f, 0.5f, 0.5f};
  card.std = {0.25f, 0.25f, 0.25f};
  QSignalSpy captured(&window.activations(), &ActivationsController::captureShown);
  QSignalSpy cam_shown(&window.cam(), &CamController::camShown);
  window.open(QString::fromStdString((test::fixture_dir() / "vector_only_traced.pt").string()),
              sample_paths().mid(0, 1), card);
  ASSERT_TRUE(captured.wait(60000));
  EXPECT_EQ(window.workspace().current_layer(), QStringLiteral("flatten"));
  EXPECT_EQ(window.findChild<GridView*>(QStringLiteral("activationGrid"))->tile_count(), 768);
  if (cam_shown.isEmpty()) {
    ASSERT_TRUE(cam_shown.wait(60000));
  }
  const QString caption = window.findChild<QLabel*>(QStringLiteral("camCaption"))->text();
  EXPECT_TRUE(caption.contains(QStringLiteral("[N, C, h, w]"))) << caption.toStdString();
}

TEST(MainWindowTest, LayersThatCannotBeCapturedAreGreyWithTheReason) {
  MainWindow window;
  window.show();
  ModelCard card;
  card.channels = 3;
  card.height = 16;
  card.width = 16;
  card.mean = {0.5f};
  card.std = {0.25f};
  QSignalSpy shown(&window, &MainWindow::sessionShown);
  window.open(QString::fromStdString((test::fixture_dir() / "branching_scripted.pt").string()),
              sample_paths().mid(0, 1), card);
  ASSERT_TRUE(shown.wait(60000));
  auto* tree = window.findChild<QTreeWidget*>(QStringLiteral("layerTree"));
  int grey = 0;
  for (QTreeWidgetItem* item : tree->findItems(QStringLiteral("*"), Qt::MatchWildcard | Qt::MatchRecursive)) {
    if (!item->toolTip(0).startsWith(QStringLiteral("not capturable: "))) continue;
    ++grey;
    EXPECT_GT(item->toolTip(0).size(), QStringLiteral("not capturable: ").size());
    EXPECT_NE(item->foreground(0).color(), tree->palette().color(QPalette::Text));
  }
  EXPECT_GE(grey, 1);
}

}  // namespace
}  // namespace actscope
