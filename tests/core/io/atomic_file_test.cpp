#include "core/io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(AtomicFileTest, MissingFolderFailsWithItsName) {
  auto status = write_file_atomically("/no/such/folder/x.png", "data");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("/no/such/folder: no such folder"), std::string::npos) << status.error();
}

TEST(AtomicFileTest, ReadOnlyFolderFailsAndLeavesNothing) {
  if (geteuid() == 0) {
    // root writes anyway; use a path whose parent is a file instead.
    test::TempDir dir;
    test::write_file(dir / "file", "x");
    EXPECT_FALSE(write_file_atomically((dir / "file" / "out.png").string(), "data").ok());
    return;
  }
  test::TempDir dir;
  chmod(dir.path().c_str(), 0555);
  auto status = write_file_atomically((dir / "out.png").string(), "data");
  chmod(dir.path().c_str(), 0755);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("out.png: cannot write"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(AtomicFileTest, ReplacesAnExistingFileWhole) {
  test::TempDir dir;
  test::write_file(dir / "out.txt", "old contents that are longer");
  ASSERT_TRUE(write_file_atomically((dir / "out.txt").string(), "new").ok());
  EXPECT_EQ(test::read_file(dir / "out.txt"), "new");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

}  // namespace
}  // namespace actscope
