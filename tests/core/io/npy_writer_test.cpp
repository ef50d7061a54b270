#include "core/io/npy_writer.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "core/io/atomic_file.h"
#include "core/io/sha256.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

// numpy itself reads the file back: shape, dtype, order and every value.
TEST(NpyWriterTest, NumpyLoadsWhatWeWrite) {
  test::TempDir dir;
  std::vector<float> values(2 * 3 * 5);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f - 3.0f;
  ASSERT_TRUE(write_npy((dir / "maps.npy").string(), values.data(), {2, 3, 5}).ok());
  ASSERT_TRUE(write_npy((dir / "vector.npy").string(), values.data(), {7}).ok());
  const std::string check =
      "/usr/bin/python3 -c \"import numpy as n, sys; a = n.load(sys.argv[1]); v = n.load(sys.argv[2]); "
      "e = n.arange(30, dtype=n.float32) * 0.5 - 3; "
      "assert a.dtype == n.float32 and a.shape == (2, 3, 5) and a.flags.c_contiguous, (a.dtype, a.shape); "
      "assert (a.ravel() == e).all(); assert v.shape == (7,) and (v == e[:7]).all()\" " +
      (dir / "maps.npy").string() + " " + (dir / "vector.npy").string();
  EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST(NpyWriterTest, DataStartsOnA64ByteBoundary) {
  const float value = 1.0f;
  const std::string bytes = encode_npy(&value, {1, 1, 1});
  EXPECT_EQ((bytes.size() - sizeof(float)) % 64, 0u);
  EXPECT_EQ(bytes.substr(1, 5), "NUMPY");
}

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

// Known answers (FIPS 180-2) and a file hashed in chunks equal to sha256sum.
TEST(Sha256Test, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  test::TempDir dir;
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>(i);
  test::write_file(dir / "big.bin", big);
  EXPECT_EQ(sha256_of_file((dir / "big.bin").string()).value(), sha256_hex(big));
  EXPECT_FALSE(sha256_of_file((dir / "none.bin").string()).ok());
}

}  // namespace
}  // namespace actscope
