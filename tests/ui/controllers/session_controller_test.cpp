// The session controller with a worker and a workspace, without a window.
#include "ui/controllers/session_controller.h"

#include <filesystem>
#include <memory>
#include <optional>

#include <gtest/gtest.h>
#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/card_dialog.h"
#include "ui/panes/image_strip.h"
#include "ui/panes/model_summary.h"
#include "ui/state/engine_worker.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

class SessionControllerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    delete controller_.summary();
    delete controller_.strip();
    delete controller_.recent_menu();
  }

  EngineWorker worker_;
  Workspace workspace_;
  SessionController controller_{workspace_, worker_, nullptr};
};

TEST_F(SessionControllerTest, OpenedModelAndImagesGoIntoTheWorkspaceAndTheStrip) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  QSignalSpy changed(&workspace_, &Workspace::modelChanged);
  controller_.open(bundled(), sample_paths().mid(0, 2));
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_TRUE(shown.at(0).at(0).toStringList().isEmpty());
  EXPECT_EQ(changed.size(), 1);
  ASSERT_NE(workspace_.model(), nullptr);
  EXPECT_EQ(workspace_.images().size(), 2u);
  EXPECT_EQ(workspace_.current_image(), 0);
  EXPECT_EQ(controller_.strip()->count(), 2);
  EXPECT_EQ(controller_.strip()->currentRow(), 0);
  EXPECT_TRUE(controller_.summary()->text().contains(QStringLiteral("input 1 x 28 x 28")))
      << controller_.summary()->text().toStdString();
  EXPECT_TRUE(controller_.summary()->text().contains(QStringLiteral("mean 0.286, std 0.353")))
      << controller_.summary()->text().toStdString();
  EXPECT_TRUE(controller_.summary()->text().contains(QStringLiteral("card inside the model")));
}

TEST_F(SessionControllerTest, AModelThatFailsIsAnErrorAndTheOpenOneStays) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(bundled(), sample_paths().mid(0, 1));
  ASSERT_TRUE(shown.wait(60000));
  QSignalSpy error(&controller_, &SessionController::errorRaised);
  controller_.open(QStringLiteral("/nowhere/missing.pt"), sample_paths());
  ASSERT_TRUE(shown.wait(60000));
  ASSERT_EQ(error.size(), 1);
  EXPECT_TRUE(error.at(0).at(1).toString().contains(QStringLiteral("/nowhere/missing.pt")));
  EXPECT_EQ(workspace_.images().size(), 1u);
  EXPECT_EQ(workspace_.model_path(), bundled());
}

// Images opened after a model failed to open once went to the failed model's
// path again instead of the model that is open.
TEST_F(SessionControllerTest, ImagesAfterAFailedOpenGoToTheModelThatIsOpen) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(bundled(), sample_paths().mid(0, 1));
  ASSERT_TRUE(shown.wait(60000));
  controller_.open(QStringLiteral("/nowhere/missing.pt"), sample_paths().mid(0, 1));
  ASSERT_TRUE(shown.wait(60000));
  QSignalSpy loaded(&controller_, &SessionController::imagesLoaded);
  ASSERT_TRUE(controller_.open_files(sample_paths().mid(1, 2)));
  ASSERT_TRUE(loaded.wait(60000));
  EXPECT_TRUE(loaded.last().at(0).toStringList().isEmpty()) << loaded.last().at(0).toStringList().join(' ').toStdString();
  EXPECT_EQ(workspace_.model_path(), bundled());
  ASSERT_EQ(workspace_.images().size(), 3u);
  EXPECT_EQ(QString::fromStdString(workspace_.images()[1].input.name), sample_paths().at(1));
  EXPECT_EQ(workspace_.current_image(), 1);  // the first one added
}

// Regression: Open Images replaced the open images, and one unreadable file
// among several dropped the good ones too.
TEST_F(SessionControllerTest, AddingThreeImagesWithOneCorruptAddsTwoAndNamesTheThird) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(bundled(), sample_paths().mid(0, 1));
  ASSERT_TRUE(shown.wait(60000));
  test::TempDir dir;
  const QString corrupt = QString::fromStdString((dir / "corrupt.png").string());
  test::write_file(dir / "corrupt.png", "\x89PNG but nothing after");
  QSignalSpy loaded(&controller_, &SessionController::imagesLoaded);
  QSignalSpy error(&controller_, &SessionController::errorRaised);
  controller_.add_images({sample_paths().at(1), corrupt, sample_paths().at(2)});
  ASSERT_TRUE(loaded.wait(60000));
  const QStringList errors = loaded.at(0).at(0).toStringList();
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors.front().contains(corrupt)) << errors.front().toStdString();
  ASSERT_EQ(error.size(), 1);
  EXPECT_TRUE(error.at(0).at(1).toString().contains(corrupt));
  EXPECT_EQ(workspace_.images().size(), 3u);
  EXPECT_EQ(controller_.strip()->count(), 3);
}

TEST_F(SessionControllerTest, ReplaceRemoveAndClearKeepTheModelAndTheStripInStep) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(bundled(), sample_paths().mid(0, 2));
  ASSERT_TRUE(shown.wait(60000));
  QSignalSpy loaded(&controller_, &SessionController::imagesLoaded);
  controller_.add_images(sample_paths().mid(2, 3), /*replace=*/true);
  ASSERT_TRUE(loaded.wait(60000));
  ASSERT_EQ(workspace_.images().size(), 3u);
  EXPECT_EQ(QString::fromStdString(workspace_.images()[0].input.name), sample_paths().at(2));
  EXPECT_EQ(controller_.strip()->count(), 3);

  workspace_.set_current_image(2);
  controller_.remove_image(0);
  ASSERT_EQ(workspace_.images().size(), 2u);
  EXPECT_EQ(controller_.strip()->count(), 2);
  EXPECT_EQ(QString::fromStdString(workspace_.images()[0].input.name), sample_paths().at(3));
  EXPECT_EQ(workspace_.current_image(), 1);  // still the same image
  controller_.clear_images();
  EXPECT_TRUE(workspace_.images().empty());
  EXPECT_EQ(controller_.strip()->count(), 0);
  EXPECT_EQ(workspace_.model_path(), bundled());
}

TEST_F(SessionControllerTest, DeleteOnTheStripRemovesTheSelectedImage) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(bundled(), sample_paths().mid(0, 3));
  ASSERT_TRUE(shown.wait(60000));
  workspace_.set_current_image(1);
  QTest::keyClick(controller_.strip(), Qt::Key_Delete);
  ASSERT_EQ(workspace_.images().size(), 2u);
  EXPECT_EQ(QString::fromStdString(workspace_.images()[1].input.name), sample_paths().at(2));
}

// Answers the card dialog of a model without a card (3 channels, 16x16).
CardDialog* answer_card_dialog(bool save) {
  CardDialog* dialog = nullptr;
  for (QWidget* widget : QApplication::topLevelWidgets()) {
    if (auto* found = qobject_cast<CardDialog*>(widget); found && found->isVisible()) dialog = found;
  }
  EXPECT_NE(dialog, nullptr);
  if (!dialog) return nullptr;
  dialog->findChild<QSpinBox*>(QStringLiteral("height"))->setValue(16);
  dialog->findChild<QSpinBox*>(QStringLiteral("width"))->setValue(16);
  dialog->findChild<QLineEdit*>(QStringLiteral("mean"))->setText(QStringLiteral("0.5"));
  dialog->findChild<QLineEdit*>(QStringLiteral("std"))->setText(QStringLiteral("0.25"));
  dialog->findChild<QCheckBox*>(QStringLiteral("saveSidecar"))->setChecked(save);
  dialog->accept();
  return dialog;
}

// A copy of a model without a card, as `dir`/net.pt.
std::filesystem::path model_without_card(const test::TempDir& dir) {
  const auto model = dir / "net.pt";
  std::filesystem::copy_file(test::fixture_dir() / "twice_scripted.pt", model);
  return model;
}

// Opens `model` (which has no card), types its input into the card dialog
// (saved as a sidecar card when `save`) and waits until the session is
// shown; `limit_bytes` > 0 limits the size of files written meanwhile.
void open_typing_the_card(SessionController& controller, const std::filesystem::path& model, bool save,
                          unsigned long long limit_bytes = 0) {
  QSignalSpy asked(&controller, &SessionController::cardRequested);
  QSignalSpy shown(&controller, &SessionController::sessionShown);
  controller.open(QString::fromStdString(model.string()), {});
  ASSERT_TRUE(asked.wait(60000));
  std::optional<test::FileSizeLimit> limit;
  if (limit_bytes > 0) limit.emplace(limit_bytes);
  answer_card_dialog(save);
  ASSERT_TRUE(shown.wait(60000));
}

// Regression: a model without a card asked for its input every time it was opened.
TEST_F(SessionControllerTest, TheInputTypedForAModelIsRememberedForThatFile) {
  test::TempDir dir;
  const auto model = model_without_card(dir);
  ASSERT_NO_FATAL_FAILURE(open_typing_the_card(controller_, model, /*save=*/false));
  EXPECT_FALSE(std::filesystem::exists(dir / "net.pt.json"));

  QSignalSpy asked(&controller_, &SessionController::cardRequested);
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(QString::fromStdString(model.string()), {});
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_EQ(asked.size(), 0) << "asked again";
  ASSERT_NE(workspace_.model(), nullptr);
  EXPECT_EQ(workspace_.model()->card().height, 16);
  EXPECT_EQ(workspace_.model()->card().std, (std::vector<float>{0.25f, 0.25f, 0.25f}));  // one per channel
}

TEST_F(SessionControllerTest, TheTypedInputCanBeSavedAsASidecarCardTheEngineReads) {
  test::TempDir dir;
  const auto model = model_without_card(dir);
  ASSERT_NO_FATAL_FAILURE(open_typing_the_card(controller_, model, /*save=*/true));
  const std::string sidecar = test::read_file(dir / "net.pt.json");
  auto card = parse_model_card(sidecar, "net.pt.json");
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().channels, 3);
  EXPECT_EQ(card.value().height, 16);
  EXPECT_EQ(card.value().mean, (std::vector<float>{0.5f, 0.5f, 0.5f}));
  auto reloaded = Model::load(model.string());
  ASSERT_TRUE(reloaded.ok()) << reloaded.error();
  EXPECT_EQ(reloaded.value()->card_source(), CardSource::kSidecar);
}

// A card that cannot be saved (its path is a folder; the disk fills up) is
// reported with the path and the cause; the typed input is still used, and
// no file, whole or half, is left beside the model.
TEST_F(SessionControllerTest, ACardThatCannotBeSavedSaysWhyAndTheInputIsStillUsed) {
  test::TempDir dir;
  const auto model = model_without_card(dir);
  QSignalSpy error(&controller_, &SessionController::errorRaised);
  std::filesystem::create_directory(dir / "net.pt.json");  // where the card would go
  ASSERT_NO_FATAL_FAILURE(open_typing_the_card(controller_, model, /*save=*/true));
  ASSERT_EQ(error.size(), 1);
  EXPECT_EQ(error.front().at(0).toString(), QStringLiteral("The card was not saved"));
  const std::string why = error.front().at(1).toString().toStdString();
  EXPECT_NE(why.find((dir / "net.pt.json").string()), std::string::npos) << why;
  EXPECT_TRUE(workspace_.model() != nullptr) << "the typed input is still used";

  std::filesystem::remove(dir / "net.pt.json");
  std::filesystem::rename(model, dir / "other.pt");  // a model whose input was never typed
  error.clear();
  ASSERT_NO_FATAL_FAILURE(open_typing_the_card(controller_, dir / "other.pt", /*save=*/true, /*limit_bytes=*/16));
  ASSERT_EQ(error.size(), 1);
  EXPECT_NE(error.front().at(1).toString().toStdString().find("File too large"), std::string::npos);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()), 1)
      << "only the model";
}

TEST_F(SessionControllerTest, DroppedImagesWithoutAnyModelAreRefused) {
  QSignalSpy error(&controller_, &SessionController::errorRaised);
  EXPECT_FALSE(controller_.open_files(sample_paths().mid(0, 1)));
  ASSERT_EQ(error.size(), 1);
  EXPECT_EQ(error.at(0).at(0).toString(), QStringLiteral("No model"));
}

TEST_F(SessionControllerTest, ALaterOpenSupersedesAnEarlierOneStillLoading) {
  QSignalSpy shown(&controller_, &SessionController::sessionShown);
  controller_.open(bundled(), sample_paths().mid(0, 3));
  controller_.open(bundled(), sample_paths().mid(0, 1));
  ASSERT_TRUE(shown.wait(60000));
  EXPECT_EQ(workspace_.images().size(), 1u);
  EXPECT_EQ(shown.size(), 1);
}

}  // namespace
}  // namespace actscope
