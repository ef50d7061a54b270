#include "core/io/sha256.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

// What coreutils' sha256sum says of the file at `path`.
std::string sha256sum(const std::filesystem::path& path) {
  const std::string command = "sha256sum '" + path.string() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "";
  char line[128] = {};
  const bool read = fgets(line, sizeof line, pipe) != nullptr;
  pclose(pipe);
  return read ? std::string(line).substr(0, 64) : "";
}

// Known answers (FIPS 180-2), and files hashed in chunks equal to sha256sum.
TEST(Sha256Test, KnownDigestsAndFilesAsSha256sumHashesThem) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  test::TempDir dir;
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>(i);
  test::write_file(dir / "big.bin", big);
  const std::string expected = sha256sum(dir / "big.bin");
  ASSERT_EQ(expected.size(), 64u);
  EXPECT_EQ(sha256_of_file((dir / "big.bin").string()).value(), expected);
  EXPECT_EQ(sha256_hex(big), expected);
  EXPECT_EQ(sha256_of_file(test::bundled_model().string()).value(), sha256sum(test::bundled_model()));
  auto missing = sha256_of_file((dir / "none.bin").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("none.bin"), std::string::npos);
}

}  // namespace
}  // namespace actscope
