// Questions about the layers of the bundled model (conv/bn/relu blocks, two
// max pools, a global average pool, flatten and a linear classifier).
#include "core/model/layer_query.h"

#include <gtest/gtest.h>

#include "tests/support/bundled_model_fixture.h"

namespace actscope {
namespace {

class LayerQueryTest : public test::BundledModelFixture {
 protected:
  const LayerInfo& layer(const std::string& name) {
    const LayerInfo* info = model_->find_layer(name);
    EXPECT_NE(info, nullptr) << name;
    return *info;
  }
};

TEST_F(LayerQueryTest, SpatialMapsNeedMoreThanOnePosition) {
  EXPECT_TRUE(has_spatial_maps(layer("relu5")));                  // 1x128x7x7
  EXPECT_TRUE(has_spatial_maps(layer(":max_pool2d")));            // 1x32x14x14
  EXPECT_FALSE(has_spatial_maps(layer(":adaptive_avg_pool2d")));  // 1x128x1x1
  EXPECT_FALSE(has_spatial_maps(layer(":flatten")));              // 1x128
}

TEST_F(LayerQueryTest, MapsAndVectorsAreDrawableOtherShapesAndUncapturedLayersAreNot) {
  EXPECT_TRUE(is_drawable(layer("relu5")));
  EXPECT_TRUE(is_drawable(layer(":adaptive_avg_pool2d")));
  EXPECT_TRUE(is_drawable(layer(":flatten")));
  EXPECT_TRUE(is_drawable(layer("fc")));
  LayerInfo three_d = layer("relu5");
  three_d.shape = {1, 128, 49};
  EXPECT_FALSE(is_drawable(three_d));
  LayerInfo uncaptured = layer("relu5");
  uncaptured.capturable = false;
  EXPECT_FALSE(is_drawable(uncaptured));
  EXPECT_FALSE(has_spatial_maps(uncaptured));
}

TEST_F(LayerQueryTest, ActivationPairIsFoundFromEitherSide) {
  for (const char* name : {"bn1", "relu1"}) {
    const ActivationPair pair = activation_pair(*model_, name);
    EXPECT_EQ(pair.before, "bn1") << name;
    EXPECT_EQ(pair.after, "relu1") << name;
  }
  const ActivationPair none = activation_pair(*model_, "conv1");
  EXPECT_TRUE(none.before.empty() && none.after.empty());
  EXPECT_TRUE(activation_pair(*model_, "no-such-layer").before.empty());
}

TEST_F(LayerQueryTest, PenultimateLayerFeedsTheClassifier) {
  EXPECT_EQ(penultimate_layer(*model_), ":flatten");
}

TEST_F(LayerQueryTest, ClosestNamesPutTheLikelyTypoFirst) {
  const auto names = closest_layer_names(*model_, "relu55");
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "relu5");
  EXPECT_EQ(closest_layer_names(*model_, "bn_3", 1), (std::vector<std::string>{"bn3"}));
}

}  // namespace
}  // namespace actscope
