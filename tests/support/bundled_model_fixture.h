// A GoogleTest fixture with the bundled model loaded and its sample images at
// hand, for the core tests that work on real captures (compare, layer views,
// layer queries). Header-only: it needs core, which the support library does
// not link.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/model/image_input.h"
#include "core/model/model.h"
#include "tests/support/test_support.h"

namespace actscope::test {

class BundledModelFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = load_bundled_model();
    ASSERT_NE(model_, nullptr);
  }

  // resources/samples/`file`, made for the bundled model.
  InputImage sample(const std::string& file) {
    auto image = load_image((resource_dir() / "samples" / file).string(), model_->card());
    EXPECT_TRUE(image.ok()) << image.error();
    return image.value();
  }

  // `layer` captured for sample `file`.
  LayerActivation capture_sample(const std::string& file, const std::string& layer) {
    auto captured = model_->capture({sample(file)}, CaptureOptions{{layer}});
    EXPECT_TRUE(captured.ok()) << captured.error();
    return captured.value().activations.at(0);
  }

  std::unique_ptr<Model> model_;
};

}  // namespace actscope::test
