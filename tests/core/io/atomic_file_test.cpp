#include "core/io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

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

TEST(AtomicFileTest, APipeIsWrittenIntoNotReplaced) {
  // `--out /dev/stdout` or a FIFO: renaming over it would replace the
  // device (as root, even /dev/null).
  test::TempDir dir;
  const std::string fifo = (dir / "pipe").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), {});
  });
  const Status status = write_file_atomically(fifo, "through the pipe");
  reader.join();
  ASSERT_TRUE(status.ok()) << status.error();
  EXPECT_EQ(received, "through the pipe");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);  // no temporary left
}

TEST(AtomicFileTest, AFolderIsRefusedByName) {
  test::TempDir dir;
  const Status status = write_file_atomically(dir.path().string(), "data");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("is a folder"), std::string::npos) << status.error();
}

}  // namespace
}  // namespace actscope
