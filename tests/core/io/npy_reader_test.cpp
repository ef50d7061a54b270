#include "core/io/npy_reader.h"

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace actscope {
namespace {

// A .npy file as NumPy writes it (version 1.0), the header padded to 64 bytes.
std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                const std::string& order = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY\x01";
  bytes += '\0';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  return bytes + header + data;
}

template <typename T>
std::string raw(std::initializer_list<T> values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

TEST(NpyReaderTest, ReadsShapeTypeAndBytes) {
  auto array = parse_npy(npy("<f4", "(2, 3)", raw<float>({1, 2, 3, 4, 5, 6})));
  ASSERT_TRUE(array) << array.error();
  EXPECT_EQ(array.value().dtype, "<f4");
  EXPECT_EQ(array.value().shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(array.value().data.size(), 24u);
  auto vector = parse_npy(npy("<i8", "(3,)", raw<int64_t>({7, -1, 9})));
  ASSERT_TRUE(vector) << vector.error();
  EXPECT_EQ(vector.value().shape, (std::vector<int64_t>{3}));
}

TEST(NpyReaderTest, RefusesWhatItCannotReadSayingWhat) {
  EXPECT_NE(parse_npy("hello").error().find("not a .npy"), std::string::npos);
  EXPECT_NE(parse_npy(npy("<f4", "(2, 3)", raw<float>({1, 2}))).error().find("needs 24"), std::string::npos);
  EXPECT_NE(parse_npy(npy(">f4", "(1,)", raw<float>({1}))).error().find(">f4"), std::string::npos);
  EXPECT_NE(parse_npy(npy("<f4", "(1,)", raw<float>({1}), "True")).error().find("Fortran"), std::string::npos);
  EXPECT_FALSE(parse_npy(npy("<f4", "(1, 999999999999999999)", "")));
  const std::string cut = npy("<f4", "(1,)", raw<float>({1}));
  EXPECT_FALSE(parse_npy(cut.substr(0, 20)));
}

}  // namespace
}  // namespace actscope
