// samples.json next to loose images gives their true classes.
#include "core/data/samples_file.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(SamplesFileTest, BundledSamplesGiveEveryTrueClass) {
  const auto classes = read_samples_file(test::resource_dir() / "samples");
  const auto samples = test::samples_manifest()["samples"];
  ASSERT_EQ(classes.size(), samples.size());
  for (const auto& sample : samples) {
    EXPECT_EQ(classes.at(sample["file"].get<std::string>()), sample["true_class"].get<int>());
  }
}

TEST(SamplesFileTest, EntriesWithoutAFileOrAnIntegerClassAreSkipped) {
  test::TempDir dir;
  test::write_file(dir / "samples.json", R"({"samples": [
      {"file": "a.png", "true_class": 3},
      {"file": "b.png", "true_class": "3"},
      {"true_class": 4},
      {"file": 7, "true_class": 1},
      "c.png"]})");
  const auto classes = read_samples_file(dir.path());
  ASSERT_EQ(classes.size(), 1u);
  EXPECT_EQ(classes.at("a.png"), 3);
}

TEST(SamplesFileTest, MissingOrMalformedFileGivesNoClasses) {
  test::TempDir dir;
  EXPECT_TRUE(read_samples_file(dir.path()).empty());
  test::write_file(dir / "samples.json", "{\"samples\": [");
  EXPECT_TRUE(read_samples_file(dir.path()).empty());
  test::write_file(dir / "samples.json", R"({"samples": {"file": "a.png", "true_class": 1}})");
  EXPECT_TRUE(read_samples_file(dir.path()).empty());
}

}  // namespace
}  // namespace actscope
