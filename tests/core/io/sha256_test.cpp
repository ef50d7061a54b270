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

// A digest prefetched on its own thread is the file's; a file that changes
// is hashed again; a file that could not be read is not remembered as such.
TEST(Sha256Test, PrefetchedDigestsFollowTheFile) {
  test::TempDir dir;
  const std::string path = (dir / "model.pt").string();
  test::write_file(dir / "model.pt", std::string(100000, 'a'));
  prefetch_sha256_of_file(path);
  prefetch_sha256_of_file(path);  // already on its way: nothing more
  EXPECT_EQ(sha256_of_file(path).value(), sha256_hex(std::string(100000, 'a')));
  test::write_file(dir / "model.pt", std::string(100001, 'b'));
  prefetch_sha256_of_file(path);
  EXPECT_EQ(sha256_of_file(path).value(), sha256_hex(std::string(100001, 'b')));
  const std::string later = (dir / "later.pt").string();
  prefetch_sha256_of_file(later);
  EXPECT_FALSE(sha256_of_file(later).ok());
  test::write_file(dir / "later.pt", "abc");
  EXPECT_EQ(sha256_of_file(later).value(), sha256_hex("abc"));
}

// The SHA extensions path equals the portable loop on every length around
// block boundaries and on bytes of every value (on CPUs without them both
// are the portable loop and the test says so).
TEST(Sha256Test, FastEngineEqualsThePortableLoop) {
  if (!sha256_has_fast_engine()) GTEST_SKIP() << "this CPU has no SHA extensions";
  std::string bytes(5000, '\0');
  uint32_t state = 12345;
  for (char& byte : bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<char>(state >> 24);
  }
  for (size_t length : {size_t{0}, size_t{1}, size_t{55}, size_t{56}, size_t{63}, size_t{64}, size_t{65},
                        size_t{119}, size_t{128}, size_t{1000}, size_t{4097}, size_t{5000}}) {
    const std::string part = bytes.substr(0, length);
    EXPECT_EQ(sha256_hex(part, Sha256Engine::kFastest), sha256_hex(part, Sha256Engine::kPortable))
        << length << " bytes";
  }
  EXPECT_EQ(sha256_hex("abc", Sha256Engine::kPortable), sha256_hex("abc", Sha256Engine::kFastest));
}

}  // namespace
}  // namespace actscope
