// The bundled model keeps the promises of its card and of samples.json,
// checked through the same code paths the programs use.
#include <map>

#include <gtest/gtest.h>

#include "core/io/idx_file.h"
#include "core/model/image_input.h"
#include "core/model/model.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

class BundledModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = test::load_bundled_model();
    ASSERT_NE(model_, nullptr);
  }
  int predicted_class(const std::vector<float>& logits) { return top_classes(logits, 1).at(0).class_index; }
  std::unique_ptr<Model> model_;
};

TEST_F(BundledModelTest, TestAccuracyMatchesTheCard) {
  const auto dir = test::fashion_mnist_dir();
  auto images = read_idx_images((dir / "t10k-images-idx3-ubyte.gz").string());
  auto labels = read_idx_labels((dir / "t10k-labels-idx1-ubyte.gz").string());
  ASSERT_TRUE(images.ok() && labels.ok());
  std::vector<InputImage> inputs;
  for (int i = 0; i < images.value().count; ++i) {
    inputs.push_back(input_from_gray(images.value().image(i), 28, 28, model_->card(), "t10k"));
  }
  auto logits = model_->logits(inputs, 500);
  ASSERT_TRUE(logits.ok()) << logits.error();
  int correct = 0;
  for (size_t i = 0; i < inputs.size(); ++i)
    correct += predicted_class(logits.value()[i]) == labels.value()[i];
  const double accuracy = correct / 10000.0;
  // The card's figure was measured by PyTorch; float summation order may
  // flip a borderline image or two, no more.
  EXPECT_NEAR(accuracy, *model_->card().test_accuracy, 0.0005);
  EXPECT_GE(accuracy, 0.90);
}

TEST_F(BundledModelTest, SamplesArePredictedAsSamplesJsonSays) {
  const auto samples = test::samples_manifest()["samples"];
  ASSERT_GE(samples.size(), 18u);
  std::map<int, int> wrong_by_class, right_by_class;
  for (const auto& sample : samples) {
    const auto path = test::resource_dir() / "samples" / sample["file"].get<std::string>();
    auto input = load_image(path.string(), model_->card());
    ASSERT_TRUE(input.ok()) << input.error();
    auto logits = model_->logits({input.value()});
    ASSERT_TRUE(logits.ok()) << logits.error();
    EXPECT_EQ(predicted_class(logits.value()[0]), sample["predicted_class"].get<int>()) << path;
    const int true_class = sample["true_class"];
    (sample["correct"].get<bool>() ? right_by_class : wrong_by_class)[true_class]++;
    EXPECT_EQ(sample["correct"].get<bool>(), true_class == sample["predicted_class"].get<int>());
  }
  EXPECT_GE(wrong_by_class.size(), 6u) << "at least 6 misclassified samples of distinct classes";
  for (const auto& [true_class, count] : wrong_by_class) {
    EXPECT_GE(right_by_class[true_class], 1)
        << "no correctly classified counterpart for class " << true_class;
  }
}

}  // namespace
}  // namespace actscope
