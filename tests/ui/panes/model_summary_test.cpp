// The Model dock alone: what it says of the bundled model, and nothing of it
// once another model is shown.
#include "ui/panes/model_summary.h"

#include <gtest/gtest.h>

#include "core/model/model.h"
#include "tests/support/test_support.h"
#include "tests/support/window_support.h"

namespace actscope {
namespace {

TEST(ModelSummaryTest, NamesTheModelItsFileInputAndTestAccuracy) {
  const auto model = test::load_bundled_model();
  ASSERT_NE(model, nullptr);
  ModelSummary summary;
  summary.show_model(*model);
  const QString text = summary.text();
  EXPECT_TRUE(text.contains(QStringLiteral("<b>%1</b>").arg(QString::fromStdString(model->card().name))))
      << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("fashion_cnn.pt"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("input 1 x 28 x 28"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("test accuracy"))) << text.toStdString();
}

TEST(ModelSummaryTest, AnotherModelLeavesNothingOfTheFirst) {
  const auto bundled = test::load_bundled_model();
  auto other = Model::load((test::fixture_dir() / "twice_traced.pt").string());
  ASSERT_TRUE(bundled && other.ok()) << (other.ok() ? "" : other.error());
  ModelSummary summary;
  summary.show_model(*bundled);
  summary.show_model(*other.value());
  const QString text = summary.text();
  EXPECT_TRUE(text.contains(QStringLiteral("twice_traced.pt"))) << text.toStdString();
  EXPECT_FALSE(text.contains(QStringLiteral("fashion_cnn.pt"))) << text.toStdString();
  EXPECT_FALSE(text.contains(QStringLiteral("test accuracy"))) << text.toStdString();
}

}  // namespace
}  // namespace actscope
