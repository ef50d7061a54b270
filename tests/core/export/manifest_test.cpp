// The parts every manifest shares: absolute paths and files' sha256.
#include "core/export/manifest.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "core/base/json_text.h"
#include "core/base/version.h"
#include "core/io/sha256.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(ManifestTest, FileEntryGivesTheAbsolutePathAndTheSha256OfTheBytes) {
  test::TempDir dir;
  test::write_file(dir / "a.txt", "abc");
  const nlohmann::json entry = file_entry((dir / "a.txt").string());
  EXPECT_EQ(entry["path"], std::filesystem::absolute(dir / "a.txt").string());
  // SHA-256("abc"), FIPS 180-2's first example.
  EXPECT_EQ(entry["sha256"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(file_sha256((dir / "a.txt").string()), sha256_hex("abc"));
}

TEST(ManifestTest, AnUnreadableFileHasAnEmptySha256) {
  test::TempDir dir;
  EXPECT_EQ(file_sha256((dir / "missing").string()), "");
  EXPECT_EQ(file_entry((dir / "missing").string())["sha256"], "");
}

TEST(ManifestTest, RelativePathsAreMadeAbsolute) {
  const std::string absolute = absolute_path("some/file.png");
  EXPECT_TRUE(std::filesystem::path(absolute).is_absolute());
  EXPECT_EQ(std::filesystem::path(absolute), std::filesystem::current_path() / "some/file.png");
  EXPECT_EQ(tool_entry()["version"], version());
}

// The filter statistics are written as text directly; they must read back
// to exactly the values nlohmann's dump() of the same objects reads back to
// (so manifests did not change when the writer did).
TEST(ManifestTest, FilterEntriesTextReadsBackToExactlyTheValues) {
  NormalizedMaps maps;
  std::mt19937 random(7);
  std::uniform_real_distribution<float> uniform(-3.0f, 3.0f);
  const float specials[] = {0.0f, -0.0f, 1.0f, 3.0f, 0.1f, 1e-5f, 1.5e-7f, 123456792.0f, 3.4e38f, -1e-38f,
                            std::numeric_limits<float>::denorm_min(), 0.5f, 1e16f, 1e15f, 1e5f, 1e14f, 1e-3f, 0.00012345f, 999999.94f};
  for (int i = 0; i < 400; ++i) {
    FilterStats stats;
    stats.index = i;
    const float special = specials[i % (sizeof specials / sizeof specials[0])];
    stats.min = i < 19 ? special : uniform(random);
    stats.max = i < 19 ? -special : std::ldexp(uniform(random), i % 120 - 60);
    stats.mean = uniform(random) / 7.0f;
    stats.zero_fraction = static_cast<float>(i % 9) / 9.0f;
    stats.non_finite = i % 5 == 0 ? i : 0;
    maps.stats.push_back(stats);
  }
  maps.stats[3].mean = std::numeric_limits<float>::quiet_NaN();
  maps.stats[4].max = std::numeric_limits<float>::infinity();

  nlohmann::json expected = nlohmann::json::array();
  for (const auto& stats : maps.stats) {
    nlohmann::json entry = {{"index", stats.index}, {"min", stats.min},   {"max", stats.max},
                            {"mean", stats.mean},   {"zero_fraction", stats.zero_fraction}};
    if (stats.non_finite > 0) entry["non_finite"] = stats.non_finite;
    expected.push_back(entry);
  }
  // Written and read back: the same values (json compares doubles exactly).
  const std::string text = json_text(filter_entries(maps));
  EXPECT_EQ(nlohmann::json::parse(text), nlohmann::json::parse(expected.dump()));
  const auto read = nlohmann::json::parse(text);
  ASSERT_EQ(read.size(), maps.stats.size());
  for (size_t i = 0; i < maps.stats.size(); ++i) {
    const auto& stats = maps.stats[i];
    if (std::isfinite(stats.max)) {
      EXPECT_EQ(read[i]["max"].get<float>(), stats.max) << i;
    }
    EXPECT_EQ(read[i]["min"].get<float>(), stats.min) << i;
    EXPECT_EQ(read[i].value("non_finite", int64_t{0}), stats.non_finite) << i;
  }
  EXPECT_TRUE(read[3]["mean"].is_null());
  EXPECT_TRUE(read[4]["max"].is_null());
  EXPECT_EQ(json_text(filter_entries(NormalizedMaps{})), "[]");
}

// A file name that is not UTF-8 (Linux names are bytes) made nlohmann's
// dump() throw, so no manifest naming it was written; json_text replaces
// the bad bytes and keeps everything else.
TEST(ManifestTest, JsonTextWritesNamesThatAreNotUtf8) {
  const nlohmann::json entry = {{"path", std::string("/data/caf\xe9.png")}, {"index", 3}};
  EXPECT_THROW(entry.dump(), nlohmann::json::type_error);
  const std::string text = json_text(entry, 2);
  const auto read = nlohmann::json::parse(text);
  EXPECT_EQ(read["path"], "/data/caf\xef\xbf\xbd.png");  // U+FFFD
  EXPECT_EQ(read["index"], 3);
  const nlohmann::json plain = {{"a", "b"}};
  EXPECT_EQ(json_text(plain), plain.dump());
}

}  // namespace
}  // namespace actscope
