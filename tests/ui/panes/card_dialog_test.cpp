// The card dialog alone: what it proposes for a model without a card, the
// card made of what was typed, and typing it refuses with the reason.
#include "ui/panes/card_dialog.h"

#include <gtest/gtest.h>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"

namespace actscope {
namespace {

class CardDialogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dialog_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&dialog_));
  }

  // Types the input in the dialog's fields.
  void type(int channels, int height, int width, const char* mean, const char* std) {
    test::named<QSpinBox>(dialog_, "channels")->setValue(channels);
    test::named<QSpinBox>(dialog_, "height")->setValue(height);
    test::named<QSpinBox>(dialog_, "width")->setValue(width);
    test::named<QLineEdit>(dialog_, "mean")->setText(QString::fromLatin1(mean));
    test::named<QLineEdit>(dialog_, "std")->setText(QString::fromLatin1(std));
  }

  // Clicks OK; true when the dialog accepted what was typed.
  bool click_ok() {
    QSignalSpy accepted(&dialog_, &QDialog::accepted);
    auto* buttons = dialog_.findChild<QDialogButtonBox*>();
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
    return accepted.size() == 1;
  }

  // Chooses the preset whose name starts with `name`, as the user does.
  void choose(const char* name) {
    auto* preset = test::named<QComboBox>(dialog_, "normalizationPreset");
    for (int i = 0; i < preset->count(); ++i) {
      if (!preset->itemText(i).startsWith(QString::fromLatin1(name))) continue;
      preset->setCurrentIndex(i);
      Q_EMIT preset->activated(i);
      return;
    }
    ADD_FAILURE() << "no preset " << name;
  }

  // Every label's text: what the dialog tells the user.
  QString shown_text() const {
    QStringList texts;
    for (const QLabel* label : dialog_.findChildren<QLabel*>()) texts << label->text();
    return texts.join(QLatin1Char('\n'));
  }

  CardDialog dialog_{QStringLiteral("net.pt"), 1};
};

TEST_F(CardDialogTest, TitleNamesTheModelAndTheSuggestedChannelsArePreselected) {
  EXPECT_EQ(dialog_.windowTitle(), QStringLiteral("Input of net.pt"));
  EXPECT_EQ(test::named<QSpinBox>(dialog_, "channels")->value(), 1);
  const CardDialog unknown(QStringLiteral("other.pt"), 0);
  EXPECT_EQ(test::named<QSpinBox>(unknown, "channels")->value(), 3);
}

TEST_F(CardDialogTest, TypedSizeAndOneMeanForEveryChannelBecomeTheCard) {
  type(3, 32, 48, "0.5", "0.25, 0.5, 1");
  ASSERT_TRUE(click_ok()) << shown_text().toStdString();
  const ModelCard& card = dialog_.card();
  EXPECT_EQ(card.channels, 3);
  EXPECT_EQ(card.height, 32);
  EXPECT_EQ(card.width, 48);
  EXPECT_EQ(card.mean, (std::vector<float>{0.5f, 0.5f, 0.5f}));
  EXPECT_EQ(card.std, (std::vector<float>{0.25f, 0.5f, 1.0f}));
  EXPECT_FALSE(dialog_.isVisible());
}

// Regression: a blank mean or std silently meant 0 / 1.
TEST_F(CardDialogTest, ABlankMeanIsRefusedWithAMessageBesideIt) {
  type(1, 28, 28, "", "0.5");
  EXPECT_FALSE(click_ok());
  EXPECT_TRUE(dialog_.isVisible());
  auto* problem = test::named<QLabel>(dialog_, "meanProblem");
  EXPECT_TRUE(problem->isVisible());
  EXPECT_TRUE(problem->text().contains(QStringLiteral("Enter the mean"))) << problem->text().toStdString();
  // Shown whole: the label has the height its wrapped text needs.
  QTest::qWait(0);
  EXPECT_GE(problem->height(), problem->heightForWidth(problem->width())) << problem->text().toStdString();
  EXPECT_FALSE(test::named<QLabel>(dialog_, "stdProblem")->isVisible());
}

TEST_F(CardDialogTest, APresetFillsMeanAndStd) {
  type(1, 28, 28, "", "");
  choose("ImageNet mean/std only");  // three channels
  EXPECT_EQ(test::named<QSpinBox>(dialog_, "channels")->value(), 3);
  ASSERT_TRUE(click_ok()) << shown_text().toStdString();
  EXPECT_EQ(dialog_.card().mean, (std::vector<float>{0.485f, 0.456f, 0.406f}));
  EXPECT_EQ(dialog_.card().std, (std::vector<float>{0.229f, 0.224f, 0.225f}));
}

TEST_F(CardDialogTest, TheMinusOneToOnePresetIsHalfAndHalf) {
  choose("[-1, 1]");
  ASSERT_TRUE(click_ok()) << shown_text().toStdString();
  EXPECT_EQ(dialog_.card().mean, std::vector<float>{0.5f});
  EXPECT_EQ(dialog_.card().std, std::vector<float>{0.5f});
}

TEST_F(CardDialogTest, TextThatIsNotANumberKeepsTheDialogOpenAndSaysWhy) {
  type(1, 28, 28, "0.5, half", "1");
  EXPECT_FALSE(click_ok());
  EXPECT_TRUE(dialog_.isVisible());
  EXPECT_TRUE(shown_text().contains(QStringLiteral("The mean must be numbers")))
      << shown_text().toStdString();
  EXPECT_EQ(dialog_.card().channels, 0);  // no card until one is accepted
}

TEST_F(CardDialogTest, AWrongNumberOfMeansIsRefusedWithTheReason) {
  type(3, 28, 28, "0.1, 0.2", "1");
  EXPECT_FALSE(click_ok());
  EXPECT_TRUE(dialog_.isVisible());
  EXPECT_TRUE(test::named<QLabel>(dialog_, "meanProblem")->text().contains(
      QStringLiteral("one mean value (used for every channel) or 3 values, one per channel; 2 were given")))
      << shown_text().toStdString();
  type(3, 28, 28, "0.1, 0.2, 0.3", "1");  // corrected
  ASSERT_TRUE(click_ok()) << shown_text().toStdString();
  EXPECT_EQ(dialog_.card().mean, (std::vector<float>{0.1f, 0.2f, 0.3f}));
}

// Values as people paste them: spaces as well as commas.
TEST_F(CardDialogTest, SpacesSeparateValuesAsCommasDo) {
  type(3, 224, 224, "0.485 0.456 0.406", "0.229  0.224,0.225");
  ASSERT_TRUE(click_ok()) << shown_text().toStdString();
  EXPECT_EQ(dialog_.card().mean, (std::vector<float>{0.485f, 0.456f, 0.406f}));
  EXPECT_EQ(dialog_.card().std, (std::vector<float>{0.229f, 0.224f, 0.225f}));
}

// The dialog cannot be got wrong silently: the boxes start empty with no
// placeholder that could pass for a value, and a message goes as soon as
// what it speaks of changes (a preset chosen, the text edited).
TEST_F(CardDialogTest, NoPlaceholderLooksLikeAValueAndAMessageGoesWhenTheFieldChanges) {
  for (const char* name : {"mean", "std"}) {
    const QString placeholder = test::named<QLineEdit>(dialog_, name)->placeholderText();
    EXPECT_FALSE(placeholder.contains(QRegularExpression(QStringLiteral("[0-9]")))) << placeholder.toStdString();
    EXPECT_TRUE(test::named<QLineEdit>(dialog_, name)->text().isEmpty());
  }
  type(3, 28, 28, "0.1, 0.2", "1");
  EXPECT_FALSE(click_ok());
  auto* problem = test::named<QLabel>(dialog_, "meanProblem");
  EXPECT_TRUE(problem->isVisible());
  choose("ImageNet mean/std only");  // as chosen by the user
  EXPECT_FALSE(problem->isVisible()) << "a message about values no longer there";
  EXPECT_EQ(test::named<QLineEdit>(dialog_, "mean")->text(), QStringLiteral("0.485, 0.456, 0.406"));
}

// Custom is what the dialog opens on: nothing filled in that the user did not choose.
TEST_F(CardDialogTest, OpensOnCustomWithNoResizeAndNoNames) {
  EXPECT_TRUE(test::named<QComboBox>(dialog_, "normalizationPreset")->currentText().startsWith(QStringLiteral("Custom")));
  EXPECT_EQ(test::named<QSpinBox>(dialog_, "resize")->value(), 0);
  EXPECT_TRUE(test::named<QLineEdit>(dialog_, "labelsFile")->text().isEmpty());
  EXPECT_TRUE(test::named<QLabel>(dialog_, "cardPlan")->text().contains(QStringLiteral("stretched to 224x224")));
}

// torchvision's ImageNet evaluation in one choice: Resize 256, CenterCrop
// 224, its mean and std and the 1,000 class names, said in words before OK.
TEST_F(CardDialogTest, TheImageNetPresetResizesCropsNormalizesAndNamesTheClasses) {
  type(1, 28, 28, "", "");
  choose("ImageNet (Resize 256");
  const QString plan = test::named<QLabel>(dialog_, "cardPlan")->text();
  EXPECT_TRUE(plan.contains(QStringLiteral("shorter side to 256 px"))) << plan.toStdString();
  EXPECT_TRUE(plan.contains(QStringLiteral("centre 224x224"))) << plan.toStdString();
  EXPECT_TRUE(plan.contains(QStringLiteral("imagenet_classes.txt"))) << plan.toStdString();
  ASSERT_TRUE(click_ok()) << shown_text().toStdString();
  const ModelCard& card = dialog_.card();
  EXPECT_EQ(card.channels, 3);
  EXPECT_EQ(card.height, 224);
  EXPECT_EQ(card.width, 224);
  EXPECT_EQ(card.resize, 256);
  EXPECT_EQ(card.mean, (std::vector<float>{0.485f, 0.456f, 0.406f}));
  // The names are the shipped file's lines (torchvision's, checked in cli.resize_and_crop_agree_with_torchvision).
  QFile names(QString::fromStdString(test::resource_dir().string()) + QStringLiteral("/labels/imagenet_classes.txt"));
  ASSERT_TRUE(names.open(QIODevice::ReadOnly | QIODevice::Text));
  const QStringList lines = QString::fromUtf8(names.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  ASSERT_EQ(card.labels.size(), 1000u);
  ASSERT_EQ(lines.size(), 1000);
  for (int i : {0, 1, 720, 999}) EXPECT_EQ(QString::fromStdString(card.labels[i]), lines[i]) << i;
}

TEST_F(CardDialogTest, AnUnreadableNamesFileIsRefusedNamingIt) {
  type(3, 32, 32, "0.5", "0.5");
  test::named<QLineEdit>(dialog_, "labelsFile")->setText(QStringLiteral("/nowhere/names.txt"));
  EXPECT_FALSE(click_ok());
  EXPECT_TRUE(shown_text().contains(QStringLiteral("/nowhere/names.txt: cannot read the labels file")))
      << shown_text().toStdString();
  test::named<QLineEdit>(dialog_, "labelsFile")->clear();  // the message goes with what it spoke of
  EXPECT_FALSE(shown_text().contains(QStringLiteral("cannot read")));
  EXPECT_TRUE(click_ok());
}

// The window's --resize, --crop and --labels fill the dialog: it shows what will be done.
TEST_F(CardDialogTest, TheWindowsCardFlagsFillTheFields) {
  CardOverrides flags;
  flags.resize = 256;
  flags.input_size = "224x200";
  flags.labels_file = "/data/names.txt";
  dialog_.prefill(flags);
  EXPECT_EQ(test::named<QSpinBox>(dialog_, "resize")->value(), 256);
  EXPECT_EQ(test::named<QSpinBox>(dialog_, "height")->value(), 224);
  EXPECT_EQ(test::named<QSpinBox>(dialog_, "width")->value(), 200);
  EXPECT_EQ(test::named<QLineEdit>(dialog_, "labelsFile")->text(), QStringLiteral("/data/names.txt"));
  const QString plan = test::named<QLabel>(dialog_, "cardPlan")->text();
  EXPECT_TRUE(plan.contains(QStringLiteral("shorter side to 256 px"))) << plan.toStdString();
  EXPECT_TRUE(plan.contains(QStringLiteral("centre 224x200"))) << plan.toStdString();
  EXPECT_TRUE(test::named<QLineEdit>(dialog_, "mean")->text().isEmpty()) << "nothing the flags did not give";
}

TEST_F(CardDialogTest, CancelGivesNoCard) {
  type(1, 28, 28, "0.5", "0.5");
  QSignalSpy rejected(&dialog_, &QDialog::rejected);
  QTest::mouseClick(dialog_.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel), Qt::LeftButton);
  EXPECT_EQ(rejected.size(), 1);
  EXPECT_EQ(dialog_.card().channels, 0);
}

}  // namespace
}  // namespace actscope
