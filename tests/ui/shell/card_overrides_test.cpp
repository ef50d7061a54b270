// The window's card flags (--labels, --resize, --crop) as MainWindow takes
// them: applied to the card of the model opened, a mistake named.
#include <string>

#include <gtest/gtest.h>
#include <QListWidget>

#include "tests/support/test_support.h"
#include "tests/support/window_support.h"
#include "ui/panes/image_strip.h"
#include "ui/shell/main_window.h"
#include "ui/state/workspace.h"

namespace actscope {
namespace {

// The window's --labels: the names of a file replace the card's, in the strip
// and the predictions; an unreadable file is named and the card stays.
TEST(CardOverridesTest, ClassNamesFromAFileNameThePredictions) {
  test::TempDir dir;
  std::string names;
  for (int i = 0; i < 10; ++i) names += "thing " + std::to_string(i) + "\n";
  test::write_file(dir / "names.txt", names);
  MainWindow window;
  window.show();
  CardOverrides overrides;
  overrides.labels_file = (dir / "names.txt").string();
  window.set_card_overrides(overrides);
  const QString sandal = sample_paths().filter(QStringLiteral("00021_sandal")).value(0);
  ASSERT_FALSE(sandal.isEmpty());
  EXPECT_EQ(open_and_wait(window, bundled(), {sandal}), QStringList());
  ASSERT_NE(window.workspace().model(), nullptr);
  EXPECT_EQ(window.workspace().model()->card().label(5), "thing 5");
  auto* strip = window.findChild<QListWidget*>(QStringLiteral("imageStrip"));
  ASSERT_EQ(strip->count(), 1);
  EXPECT_TRUE(strip->item(0)->data(ImageStrip::kCaptionRole).toString().contains(QStringLiteral("thing 5 (")))
      << strip->item(0)->data(ImageStrip::kCaptionRole).toString().toStdString();

  overrides.labels_file = (dir / "missing.txt").string();
  window.set_card_overrides(overrides);
  const QStringList errors = open_and_wait(window, bundled(), {sandal});
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains(QStringLiteral("missing.txt: cannot read the labels file"))) << errors[0].toStdString();
  EXPECT_EQ(window.workspace().model()->card().label(5), "Sandal") << "the model's own card stays";
}

}  // namespace
}  // namespace actscope
