#include "core/io/npy_writer.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

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
}  // namespace
}  // namespace actscope
