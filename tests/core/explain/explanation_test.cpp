// Compare mode's explanations always have something to show.
#include "core/explain/explanation.h"

#include <gtest/gtest.h>

#include "core/model/image_input.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

class ExplanationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = Model::load(test::bundled_model().string());
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    model_ = std::move(loaded).value();
    auto input = load_image((test::resource_dir() / "samples" / "01236_shirt.png").string(), model_->card());
    ASSERT_TRUE(input.ok()) << input.error();
    input_ = std::move(input).value();
  }
  std::unique_ptr<Model> model_;
  InputImage input_;
};

TEST_F(ExplanationTest, KnownTrueClassGivesBothCamsAndNoError) {
  const ImageExplanation shown = explain_image_or_reason(*model_, input_, 6);
  EXPECT_TRUE(shown.cam_error.empty()) << shown.cam_error;
  EXPECT_EQ(shown.name, "01236_shirt.png");
  EXPECT_EQ(shown.true_class, 6);
  EXPECT_FALSE(shown.cam_predicted.empty());
  EXPECT_FALSE(shown.cam_true.empty());
}

TEST_F(ExplanationTest, TrueClassTheModelDoesNotHaveKeepsThePredictionAndSaysWhy) {
  const ImageExplanation shown = explain_image_or_reason(*model_, input_, 42);
  const ImageExplanation plain = explain_image_or_reason(*model_, input_, -1);
  EXPECT_NE(shown.cam_error.find("true class 42"), std::string::npos) << shown.cam_error;
  EXPECT_EQ(shown.predicted.class_index, plain.predicted.class_index);
  EXPECT_EQ(shown.cam_predicted, plain.cam_predicted);
  EXPECT_TRUE(shown.cam_true.empty());
}

TEST_F(ExplanationTest, InputTheModelCannotRunLeavesThePictureAndTheReason) {
  InputImage wrong = input_;
  wrong.name = "/some/folder/wrong.png";
  wrong.tensor.resize(5);  // the model takes 1 x 28 x 28 values
  const ImageExplanation shown = explain_image_or_reason(*model_, wrong, 6);
  EXPECT_NE(shown.cam_error.find("another input size"), std::string::npos) << shown.cam_error;
  EXPECT_EQ(shown.name, "wrong.png");
  EXPECT_EQ(shown.display.width, input_.display.width);
  EXPECT_TRUE(shown.cam_predicted.empty());
}

}  // namespace
}  // namespace actscope
