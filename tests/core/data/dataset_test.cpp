// Whole-dataset predictions: opening class folders and IDX pairs, and the
// bundled model's accuracy on Debian's Fashion-MNIST test set.
#include "core/data/dataset.h"

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = test::load_bundled_model();
    ASSERT_NE(model_, nullptr);
  }
  std::unique_ptr<Model> model_;
};

TEST_F(DatasetTest, IdxFolderGivesTheTenThousandTestImagesWithTheirLabels) {
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  EXPECT_NE(dataset.value().source.find("t10k-images-idx3-ubyte"), std::string::npos);
  ASSERT_EQ(dataset.value().images.size(), 10000u);
  auto labels = read_idx_labels((test::fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz").string());
  ASSERT_TRUE(labels.ok());
  for (size_t i = 0; i < 10000; i += 997) EXPECT_EQ(dataset.value().images[i].true_class, labels.value()[i]);
  EXPECT_EQ(dataset.value().images[42].name, "t10k[42]");
}

TEST_F(DatasetTest, BundledModelAccuracyOnTheTestSetIsTheCardsFigure) {
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  size_t last_done = 0;
  DatasetPredictOptions options;
  options.progress = [&](size_t done, size_t total) {
    EXPECT_GT(done, last_done);
    EXPECT_EQ(total, 10000u);
    last_done = done;
    return true;
  };
  auto predictions = predict_dataset(*model_, dataset.value(), options);
  ASSERT_TRUE(predictions.ok()) << predictions.error();
  EXPECT_EQ(last_done, 10000u);
  EXPECT_NEAR(accuracy(predictions.value()), *model_->card().test_accuracy, 0.0005);
  for (const auto& prediction : predictions.value()) {
    EXPECT_GT(prediction.confidence, 0.0f);
    EXPECT_LE(prediction.confidence, 1.0f);
  }
}

TEST_F(DatasetTest, PredictionCanBeCancelled) {
  auto dataset = open_dataset(test::fashion_mnist_dir().string(), model_->card());
  ASSERT_TRUE(dataset.ok());
  DatasetPredictOptions options;
  options.progress = [](size_t done, size_t) { return done < 512; };
  auto predictions = predict_dataset(*model_, dataset.value(), options);
  ASSERT_FALSE(predictions.ok());
  EXPECT_EQ(predictions.error(), "cancelled");
}

TEST_F(DatasetTest, ClassFoldersAreMatchedToTheCardsLabels) {
  test::TempDir dir;
  const auto samples = test::resource_dir() / "samples";
  std::filesystem::create_directories(dir / "ankle_boot");
  std::filesystem::create_directories(dir / "SANDAL");
  std::filesystem::copy_file(samples / "02180_ankle_boot.png", dir / "ankle_boot" / "a.png");
  std::filesystem::copy_file(samples / "00021_sandal.png", dir / "SANDAL" / "b.png");
  auto dataset = open_dataset(dir.path().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  ASSERT_EQ(dataset.value().images.size(), 2u);
  for (const auto& image : dataset.value().images) {
    const bool boot = image.name.find("ankle_boot") != std::string::npos;
    EXPECT_EQ(image.true_class, boot ? 9 : 5) << image.name;  // Ankle boot, Sandal
  }
  auto predictions = predict_dataset(*model_, dataset.value());
  ASSERT_TRUE(predictions.ok()) << predictions.error();
  for (const auto& prediction : predictions.value())
    EXPECT_EQ(prediction.predicted_class, prediction.true_class);

  std::filesystem::create_directories(dir / "spaceship");
  auto refused = open_dataset(dir.path().string(), model_->card());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("'spaceship' is not a class"), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("Ankle boot"), std::string::npos) << refused.error();
}

// A card without labels: torchvision's ImageFolder convention, the sorted
// folder names are the classes (byte order: "Dogs" before "birds"), and they
// name the classes as labels would (it was refused: "not a class of the model").
TEST_F(DatasetTest, ClassFoldersOfAModelWithoutLabelsFollowImageFolder) {
  test::TempDir dir;
  const auto samples = test::resource_dir() / "samples";
  for (const char* name : {"cats", "Dogs", "birds"}) {
    std::filesystem::create_directories(dir / name);
    std::filesystem::copy_file(samples / "02180_ankle_boot.png", dir / name / "x.png");
  }
  ModelCard unlabelled = model_->card();
  unlabelled.labels.clear();
  auto dataset = open_dataset(dir.path().string(), unlabelled);
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  EXPECT_EQ(dataset.value().class_names, (std::vector<std::string>{"Dogs", "birds", "cats"}));
  ASSERT_EQ(dataset.value().images.size(), 3u);
  for (const auto& image : dataset.value().images) {
    const std::string folder = std::filesystem::path(image.name).parent_path().filename().string();
    EXPECT_EQ(card_naming_classes(unlabelled, dataset.value()).label(image.true_class), folder) << image.name;
  }
  EXPECT_EQ(card_naming_classes(model_->card(), dataset.value()).labels, model_->card().labels);  // a card's own win
}

TEST_F(DatasetTest, TheBundledSamplesLaidOutByClassKeepTheirTrueClasses) {
  test::TempDir dir;
  test::lay_out_samples_by_class(dir.path());  // includes "T-shirt_top" for "T-shirt/top"
  auto dataset = open_dataset(dir.path().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  const auto samples = test::samples_manifest()["samples"];
  ASSERT_EQ(dataset.value().images.size(), samples.size());
  for (const auto& image : dataset.value().images) {
    const std::string file = std::filesystem::path(image.name).filename().string();
    for (const auto& sample : samples) {
      if (sample["file"] == file) {
        EXPECT_EQ(image.true_class, sample["true_class"].get<int>()) << file;
      }
    }
  }
}

TEST_F(DatasetTest, APlainFolderOfImagesOpensWithoutLabels) {
  test::TempDir dir;
  const auto samples = test::resource_dir() / "samples";
  for (const char* file : {"00021_sandal.png", "01236_shirt.png"}) std::filesystem::copy_file(samples / file, dir / file);
  auto dataset = open_dataset(dir.path().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  ASSERT_EQ(dataset.value().images.size(), 2u);
  for (const auto& image : dataset.value().images) EXPECT_EQ(image.true_class, -1) << image.name;
  auto first = dataset.value().input(0, model_->card());
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(std::filesystem::path(first.value().name).filename(), "00021_sandal.png");
}

// A class folder with a damaged file among good ones: the prediction of
// every other image is what it is alone, the damaged one is skipped with a
// message naming it, and it counts neither as right nor as wrong.
TEST_F(DatasetTest, AnUnreadableImageIsSkippedAndCountedAndTheOthersArePredicted) {
  test::TempDir dir;
  const auto samples = test::resource_dir() / "samples";
  std::filesystem::create_directories(dir / "sandal");
  std::filesystem::create_directories(dir / "bag");
  for (const char* file : {"00021_sandal.png", "07208_sandal.png"})
    std::filesystem::copy_file(samples / file, dir / "sandal" / file);
  std::filesystem::copy_file(samples / "04309_bag.png", dir / "bag" / "04309_bag.png");
  test::write_file(dir / "bag" / "broken.png", "not an image");
  auto dataset = open_dataset(dir.path().string(), model_->card());
  ASSERT_TRUE(dataset.ok()) << dataset.error();
  ASSERT_EQ(dataset.value().images.size(), 4u);
  for (int batch : {1, 2, 256}) {
    DatasetPredictOptions options;
    options.batch_size = batch;
    auto predictions = predict_dataset(*model_, dataset.value(), options);
    ASSERT_TRUE(predictions.ok()) << predictions.error();
    ASSERT_EQ(predictions.value().size(), 4u);
    size_t unreadable = 0;
    for (size_t i = 0; i < 4; ++i) {
      const DatasetPrediction& p = predictions.value()[i];
      const std::string& name = dataset.value().images[i].name;
      EXPECT_EQ(p.true_class, dataset.value().images[i].true_class) << name;
      if (std::filesystem::path(name).filename() == "broken.png") {
        ++unreadable;
        EXPECT_TRUE(p.unreadable());
        EXPECT_NE(p.error.find("broken.png: not a readable image"), std::string::npos) << p.error;
        EXPECT_EQ(p.predicted_class, -1);
        EXPECT_FALSE(misclassified(p));
        continue;
      }
      auto alone = model_->logits({load_image(name, model_->card()).value()});
      ASSERT_TRUE(alone.ok()) << alone.error();
      const auto& row = alone.value().front();
      EXPECT_EQ(p.predicted_class, std::max_element(row.begin(), row.end()) - row.begin()) << name << " batch " << batch;
      EXPECT_FALSE(p.unreadable()) << name;
    }
    EXPECT_EQ(unreadable, 1u);
    EXPECT_EQ(count_unreadable(predictions.value()), 1u);
    EXPECT_DOUBLE_EQ(accuracy(predictions.value()),
                     static_cast<double>(count_correct(predictions.value())) / 3.0);  // of the three read
  }
}

// An IDX pair whose labels file holds another number of entries than the
// images file is refused, naming both files and both counts.
TEST_F(DatasetTest, ImageAndLabelCountsMustAgree) {
  test::TempDir dir;
  test::write_file(dir / "t10k-images-idx3-ubyte",
                   std::string{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4});
  test::write_file(dir / "t10k-labels-idx1-ubyte", std::string{0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3});
  auto opened = open_dataset(dir.path().string(), model_->card());
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("3 labels for 2 images"), std::string::npos) << opened.error();
  EXPECT_NE(opened.error().find("t10k-labels-idx1-ubyte"), std::string::npos) << opened.error();
  EXPECT_NE(opened.error().find("t10k-images-idx3-ubyte"), std::string::npos) << opened.error();
}

TEST_F(DatasetTest, BadPathsSayWhatIsWrong) {
  test::TempDir dir;
  auto missing = open_dataset((dir / "nothing").string(), model_->card());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("no such file or folder"), std::string::npos);
  std::filesystem::copy_file(test::fashion_mnist_dir() / "t10k-images-idx3-ubyte.gz",
                             dir / "t10k-images-idx3-ubyte.gz");
  auto unlabeled = open_dataset((dir / "t10k-images-idx3-ubyte.gz").string(), model_->card());
  ASSERT_FALSE(unlabeled.ok());
  EXPECT_NE(unlabeled.error().find("no labels file"), std::string::npos) << unlabeled.error();
  auto empty = open_dataset(test::TempDir().path().string(), model_->card());
  EXPECT_FALSE(empty.ok());
}

}  // namespace
}  // namespace actscope
