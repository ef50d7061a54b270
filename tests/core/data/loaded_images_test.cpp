// Open images seen as a dataset, for comparison partners.
#include "core/data/loaded_images.h"

#include <gtest/gtest.h>

namespace actscope {
namespace {

LoadedImage image(const std::string& name, int predicted, float probability, int true_class) {
  LoadedImage loaded;
  loaded.input.name = name;
  if (predicted >= 0) loaded.top.push_back({predicted, probability});
  loaded.true_class = true_class;
  return loaded;
}

TEST(LoadedImagesTest, EachImageKeepsItsNameTrueClassAndPrediction) {
  const std::vector<LoadedImage> images = {image("/a/shirt.png", 0, 0.75f, 6),
                                           image("/a/bag.png", 8, 0.5f, 8),
                                           image("/a/unknown.png", -1, 0.0f, -1)};
  const PredictedDataset result = as_predicted_dataset(images, "the open images");
  EXPECT_EQ(result.dataset.source, "the open images");
  ASSERT_EQ(result.dataset.images.size(), 3u);
  ASSERT_EQ(result.dataset.loaded.size(), 3u);
  ASSERT_EQ(result.predictions.size(), 3u);
  EXPECT_EQ(result.dataset.images[0].name, "/a/shirt.png");
  EXPECT_EQ(result.dataset.images[0].true_class, 6);
  EXPECT_EQ(result.dataset.loaded[1].name, "/a/bag.png");
  EXPECT_EQ(result.predictions[0].predicted_class, 0);
  EXPECT_EQ(result.predictions[0].true_class, 6);
  EXPECT_FLOAT_EQ(result.predictions[0].confidence, 0.75f);
  EXPECT_EQ(result.predictions[2].predicted_class, -1);
  EXPECT_FALSE(result.dataset.from_idx());
}

TEST(LoadedImagesTest, MisclassifiedOnlyWhenTheTrueClassIsKnownAndDiffers) {
  EXPECT_TRUE(image("x", 0, 0.9f, 6).misclassified());
  EXPECT_FALSE(image("x", 6, 0.9f, 6).misclassified());
  EXPECT_FALSE(image("x", 0, 0.9f, -1).misclassified());
  EXPECT_FALSE(image("x", -1, 0.0f, 6).misclassified());
}

}  // namespace
}  // namespace actscope
