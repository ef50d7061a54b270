// The parts every manifest shares: absolute paths and files' sha256.
#include "core/export/manifest.h"

#include <filesystem>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace actscope
