#include "core/data/image_selection.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(ImageSelectionTest, IndicesTakeListsAndRangesInOrderWithoutRepeats) {
  auto indices = parse_indices("3, 17,40-43,17, 2", 100);
  ASSERT_TRUE(indices.ok()) << indices.error();
  EXPECT_EQ(indices.value(), (std::vector<int64_t>{3, 17, 40, 41, 42, 43, 2}));
  EXPECT_EQ(parse_indices("0-0", 1).value(), std::vector<int64_t>{0});
}

TEST(ImageSelectionTest, BadIndicesSayWhatIsWrong) {
  for (const std::string text : {"3,x", "5-2", "-4", "1.5", "", ","}) {
    auto parsed = parse_indices(text, 100);
    ASSERT_FALSE(parsed.ok()) << text;
  }
  EXPECT_NE(parse_indices("3,x", 100).error().find("'x'"), std::string::npos);
  auto out_of_range = parse_indices("10-100", 100);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.error().find("index 100"), std::string::npos) << out_of_range.error();
  EXPECT_NE(out_of_range.error().find("100 images"), std::string::npos) << out_of_range.error();
}

TEST(ImageSelectionTest, ListFilesSkipCommentsAndResolveAgainstTheirFolder) {
  test::TempDir dir;
  test::write_file(dir / "list.txt", "# my images\n  a.png  \n\n/abs/b.jpg\r\nsub/c.png\n");
  auto listed = read_image_list((dir / "list.txt").string());
  ASSERT_TRUE(listed.ok()) << listed.error();
  EXPECT_EQ(listed.value(), (std::vector<std::string>{(dir / "a.png").string(), "/abs/b.jpg",
                                                       (dir / "sub/c.png").string()}));
  test::write_file(dir / "empty.txt", "# nothing\n\n");
  auto empty = read_image_list((dir / "empty.txt").string());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().find("empty.txt"), std::string::npos);
  auto missing = read_image_list((dir / "none.txt").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("none.txt"), std::string::npos);
}

TEST(ImageSelectionTest, StemsComeFromFilesAndDatasetNamesAndAreMadeUnique) {
  EXPECT_EQ(output_stem("photos/cat.jpg"), "cat");
  EXPECT_EQ(output_stem("t10k[42]"), "t10k_42");
  EXPECT_EQ(output_stem("/data/t10k-images-idx3-ubyte.gz[7]"), "t10k-images-idx3-ubyte.gz_7");
  EXPECT_EQ(output_stem("a b&c.png"), "a_b_c");
  EXPECT_EQ(output_stem(".hidden"), "_.hidden");
  std::vector<SelectedImage> images{{"a/cat.png"}, {"b/cat.png"}, {"cat_2.png"}, {"c/CAT.jpg"}, {"dog.png"}};
  assign_unique_stems(images);
  std::vector<std::string> stems;
  for (const auto& image : images) stems.push_back(image.stem);
  EXPECT_EQ(stems, (std::vector<std::string>{"cat", "cat_2", "cat_2_2", "CAT_3", "dog"}));
}

}  // namespace
}  // namespace actscope
