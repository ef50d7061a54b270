#include "core/io/sha256.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

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
