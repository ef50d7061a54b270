// Loading a model with its images, as the desktop program does.
#include "core/session/session.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/model/image_input.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(SessionTest, SamplesArePredictedWithTheirTrueClasses) {
  const auto paths = image_files_in((test::resource_dir() / "samples").string());
  const Session session = load_session(test::bundled_model().string(), paths);
  ASSERT_TRUE(session.model);
  EXPECT_TRUE(session.errors.empty());
  ASSERT_EQ(session.images.size(), paths.size());
  const auto samples = test::samples_manifest()["samples"];
  for (const auto& image : session.images) {
    const std::string file = std::filesystem::path(image.input.name).filename().string();
    for (const auto& sample : samples) {
      if (sample["file"].get<std::string>() != file) continue;
      EXPECT_EQ(image.true_class, sample["true_class"].get<int>()) << file;
      ASSERT_EQ(image.top.size(), 5u);
      EXPECT_EQ(image.top[0].class_index, sample["predicted_class"].get<int>()) << file;
      EXPECT_EQ(image.misclassified(), !sample["correct"].get<bool>()) << file;
    }
  }
}

TEST(SessionTest, UnreadableImageIsReportedAndTheRestLoaded) {
  test::TempDir dir;
  test::write_file(dir / "broken.png", "not an image");
  auto paths = image_files_in((test::resource_dir() / "samples").string());
  paths.resize(2);
  paths.push_back((dir / "broken.png").string());
  const Session session = load_session(test::bundled_model().string(), paths);
  ASSERT_EQ(session.errors.size(), 1u);
  EXPECT_NE(session.errors[0].find("broken.png"), std::string::npos);
  EXPECT_EQ(session.images.size(), 2u);
  EXPECT_EQ(session.images[0].true_class >= 0, true);  // samples.json is next to them
}

TEST(SessionTest, MissingModelGivesOneMessageNamingIt) {
  const Session session = load_session("/nowhere/missing.pt", {});
  EXPECT_FALSE(session.model);
  ASSERT_EQ(session.errors.size(), 1u);
  EXPECT_NE(session.errors[0].find("/nowhere/missing.pt"), std::string::npos);
}

TEST(SessionTest, ModelWithoutCardAsksForOneWithTheChannelsOfItsFirstConv) {
  const Session session = load_session((test::fixture_dir() / "twice_scripted.pt").string(), {});
  ASSERT_TRUE(session.model);
  EXPECT_TRUE(session.needs_card);
  EXPECT_EQ(session.suggested_channels, 3);
  EXPECT_TRUE(session.images.empty());
}

}  // namespace
}  // namespace actscope
