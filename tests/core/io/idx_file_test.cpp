#include "core/io/idx_file.h"

#include <set>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(IdxDatasetTest, ReadsDebianFashionMnistTestSet) {
  const auto dir = test::fashion_mnist_dir();
  auto images = read_idx_images((dir / "t10k-images-idx3-ubyte.gz").string());
  auto labels = read_idx_labels((dir / "t10k-labels-idx1-ubyte.gz").string());
  ASSERT_TRUE(images.ok()) << images.error();
  ASSERT_TRUE(labels.ok()) << labels.error();
  EXPECT_EQ(images.value().count, 10000);
  EXPECT_EQ(images.value().height, 28);
  EXPECT_EQ(images.value().width, 28);
  ASSERT_EQ(labels.value().size(), 10000u);
  std::set<int> classes(labels.value().begin(), labels.value().end());
  EXPECT_EQ(classes.size(), 10u);
  EXPECT_EQ(*classes.rbegin(), 9);
  // Fashion-MNIST's first test image is an ankle boot (class 9) on a black border.
  EXPECT_EQ(labels.value()[0], 9);
  EXPECT_EQ(images.value().image(0)[0], 0);
}

TEST(IdxDatasetTest, ReadsUncompressedFiles) {
  test::TempDir dir;
  std::string bytes = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4};
  test::write_file(dir / "images.idx", bytes);
  auto images = read_idx_images((dir / "images.idx").string());
  ASSERT_TRUE(images.ok()) << images.error();
  EXPECT_EQ(images.value().count, 2);
  EXPECT_EQ(images.value().image(1)[1], 4);
}

TEST(IdxDatasetTest, RefusesTruncatedAndForeignFiles) {
  test::TempDir dir;
  test::write_file(dir / "short.idx", std::string{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3});
  auto truncated = read_idx_images((dir / "short.idx").string());
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().find("short.idx"), std::string::npos);
  EXPECT_NE(truncated.error().find("header promises"), std::string::npos);

  test::write_file(dir / "text.idx", "hello world, not a dataset");
  EXPECT_NE(read_idx_images((dir / "text.idx").string()).error().find("not an IDX file"), std::string::npos);

  auto labels_as_images = read_idx_images((test::fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz").string());
  EXPECT_NE(labels_as_images.error().find("expected 3"), std::string::npos);
  EXPECT_NE(read_idx_labels((dir / "missing.idx").string()).error().find("cannot open"), std::string::npos);
}

// A gzip file cut in half (a truncated download) and one whose compressed
// bytes are damaged are refused with the file's name, never read as data.
TEST(IdxDatasetTest, RefusesTruncatedAndCorruptGzip) {
  test::TempDir dir;
  const std::string whole = test::read_file(test::fashion_mnist_dir() / "t10k-labels-idx1-ubyte.gz");
  ASSERT_GT(whole.size(), 1000u);
  test::write_file(dir / "cut-labels-idx1-ubyte.gz", whole.substr(0, whole.size() / 2));
  auto cut = read_idx_labels((dir / "cut-labels-idx1-ubyte.gz").string());
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().find("cut-labels-idx1-ubyte.gz"), std::string::npos) << cut.error();
  EXPECT_NE(cut.error().find("truncated"), std::string::npos) << cut.error();

  std::string damaged = whole;
  for (size_t i = 20; i < 200; ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  test::write_file(dir / "bad-labels-idx1-ubyte.gz", damaged);
  auto bad = read_idx_labels((dir / "bad-labels-idx1-ubyte.gz").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("bad-labels-idx1-ubyte.gz"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace actscope
