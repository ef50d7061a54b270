#include "core/io/atomic_file.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/base/gui_thread.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(AtomicFileTest, MissingFolderFailsWithItsName) {
  auto status = write_file_atomically("/no/such/folder/x.png", "data");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("/no/such/folder: no such folder"), std::string::npos) << status.error();
}

TEST(AtomicFileTest, AFolderThatIsAFileIsNamedAsNotAFolder) {
  test::TempDir dir;
  test::write_file(dir / "a_file", "x");
  auto status = write_file_atomically((dir / "a_file" / "x.png").string(), "data");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find((dir / "a_file").string() + ": not a folder"), std::string::npos) << status.error();
  EXPECT_EQ(test::read_file(dir / "a_file"), "x");
}

// The write in a folder nobody may write into, as a user the permissions
// apply to: the caller itself, or (as root, who writes anywhere, as CI runs)
// a child process that became `nobody`. 0: refused with the message; 1:
// written; 2: refused with another message.
int write_into_read_only(const std::string& path) {
  auto attempt = [&path] {
    const Status status = write_file_atomically(path, "data");
    if (status.ok()) return 1;
    return status.error().find("out.png: cannot write") != std::string::npos ? 0 : 2;
  };
  if (geteuid() != 0) return attempt();
  const pid_t child = fork();
  if (child == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    _exit(attempt());
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 4;
}

TEST(AtomicFileTest, ReadOnlyFolderFailsAndLeavesNothing) {
  test::TempDir dir;
  chmod(dir.path().c_str(), 0555);  // readable and enterable by all, writable by none
  const int outcome = write_into_read_only((dir / "out.png").string());
  chmod(dir.path().c_str(), 0755);
  EXPECT_EQ(outcome, 0) << "1: written anyway, 2: another message, 3: could not become nobody";
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(AtomicFileTest, APathUnderAFileFails) {
  test::TempDir dir;
  test::write_file(dir / "file", "x");
  EXPECT_FALSE(write_file_atomically((dir / "file" / "out.png").string(), "data").ok());
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

// The desktop program's GUI thread only draws: a write asked for there is
// refused (and nothing is created); other threads write as before.
TEST(AtomicFileTest, NothingIsWrittenOnTheGuiThread) {
  test::TempDir dir;
  const std::string path = (dir / "grid.png").string();
  mark_gui_thread();
  const Status refused = write_file_atomically(path, "data");
  mark_gui_thread(false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("grid.png: not written: files are written on the engine worker"), std::string::npos)
      << refused.error();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(write_file_atomically(path, "data").ok());
}

}  // namespace
}  // namespace actscope
