// The zip directory reader: the bundled model's entries are where the
// directory says (their stored bytes have the declared CRC-32), zip64 reads
// the same, and every way a directory can lie is refused with a reason.
#include "core/io/zip_directory.h"

#include <zlib.h>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "tests/support/zip_builder.h"

namespace actscope {
namespace {

using test::build_zip;
using test::ZipBuildEntry;

uint32_t crc_of(std::string_view bytes) {
  return static_cast<uint32_t>(
      ::crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string error_of(const std::string& archive) {
  auto entries = read_zip_directory_of_bytes(archive);
  EXPECT_FALSE(entries.ok()) << "read but should not";
  return entries.ok() ? std::string() : entries.error();
}

TEST(ZipDirectoryTest, TheBundledModelsEntriesAreWhereTheDirectorySays) {
  const std::string archive = test::read_file(test::bundled_model());
  auto entries = read_zip_directory_of_file(test::bundled_model().string());
  ASSERT_TRUE(entries.ok()) << entries.error();
  ASSERT_GT(entries.value().size(), 30u);
  int stored = 0;
  for (const ZipEntry& entry : entries.value()) {
    EXPECT_EQ(entry.name.rfind("fashion_cnn/", 0), 0u) << entry.name;
    if (entry.method != 0) continue;
    ++stored;
    EXPECT_EQ(crc_of(std::string_view(archive).substr(entry.data_offset, entry.size)), entry.crc32) << entry.name;
  }
  EXPECT_GT(stored, 30);
  auto from_bytes = read_zip_directory_of_bytes(archive);
  ASSERT_TRUE(from_bytes.ok()) << from_bytes.error();
  EXPECT_EQ(from_bytes.value().size(), entries.value().size());
}

TEST(ZipDirectoryTest, Zip64ReadsTheSameEntries) {
  const std::string archive = test::read_file(test::bundled_model());
  const std::string rewritten = build_zip(test::copy_zip_entries(archive), /*zip64=*/true);
  auto plain = read_zip_directory_of_bytes(archive);
  auto wide = read_zip_directory_of_bytes(rewritten);
  ASSERT_TRUE(wide.ok()) << wide.error();
  ASSERT_EQ(wide.value().size(), plain.value().size());
  for (size_t i = 0; i < plain.value().size(); ++i) {
    const ZipEntry& a = plain.value()[i];
    const ZipEntry& b = wide.value()[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.crc32, b.crc32);
    EXPECT_EQ(archive.substr(a.data_offset, a.compressed_size), rewritten.substr(b.data_offset, b.compressed_size));
  }
}

TEST(ZipDirectoryTest, EveryCutOfTheArchiveIsRefused) {
  const std::string archive = test::read_file(test::bundled_model());
  for (size_t cut = 0; cut < archive.size(); cut += 997) {
    EXPECT_FALSE(read_zip_directory_of_bytes(std::string_view(archive).substr(0, cut)).ok()) << cut;
  }
  for (size_t missing = 1; missing <= 64; ++missing) {
    const auto cut = std::string_view(archive).substr(0, archive.size() - missing);
    auto entries = read_zip_directory_of_bytes(cut);
    ASSERT_FALSE(entries.ok()) << missing;
    EXPECT_NE(entries.error().find("cut short"), std::string::npos) << entries.error();
  }
}

TEST(ZipDirectoryTest, EntriesThatLieAboutTheirPlaceOrSizeAreRefused) {
  std::string archive = build_zip({{"a/data.pkl", "0123456789"}, {"a/constants.pkl", "abc"}});
  // The second entry's data is 3 bytes; the directory says 300.
  auto liar = build_zip({{"a/data.pkl", "0123456789"}, {"a/constants.pkl", "abc", 0, 300}});
  EXPECT_TRUE(read_zip_directory_of_bytes(archive).ok());
  EXPECT_NE(error_of(liar).find("a/constants.pkl: stored, but its two sizes differ"), std::string::npos)
      << error_of(liar);
  ZipBuildEntry far{"a/data.pkl", "x"};
  far.header_offset = 1u << 20;
  EXPECT_NE(error_of(build_zip({far})).find("a/data.pkl: its data lies outside the file"), std::string::npos)
      << error_of(build_zip({far}));
}

TEST(ZipDirectoryTest, OverlappingEntriesAreRefused) {
  ZipBuildEntry first{"a/data.pkl", std::string(100, 'x')};
  ZipBuildEntry second{"a/again.pkl", std::string(100, 'x')};
  second.header_offset = 0;  // the same bytes under a second name
  const std::string error = error_of(build_zip({first, second}));
  EXPECT_NE(error.find("overlap"), std::string::npos) << error;
}

TEST(ZipDirectoryTest, ADeflatedEntryThatWouldExpandPastDeflatesLimitIsRefused) {
  ZipBuildEntry bomb{"a/data/0", std::string(1000, '\0'), 8, uint64_t{1000} * 1032 + 1032};
  const std::string error = error_of(build_zip({bomb}));
  EXPECT_NE(error.find("a/data/0: declares 1033032 bytes from 1000 deflated"), std::string::npos) << error;
  bomb.size = uint64_t{1000} * 1032;  // at the limit: allowed
  EXPECT_TRUE(read_zip_directory_of_bytes(build_zip({bomb})).ok());
}

TEST(ZipDirectoryTest, EncryptionAndOtherMethodsAreRefused) {
  ZipBuildEntry encrypted{"a/data.pkl", "secret"};
  encrypted.flags = 1;
  EXPECT_NE(error_of(build_zip({encrypted})).find("a/data.pkl: encrypted"), std::string::npos);
  ZipBuildEntry bzip2{"a/data.pkl", "BZh9", 12, 4};
  EXPECT_NE(error_of(build_zip({bzip2})).find("compressed with zip method 12"), std::string::npos);
}

TEST(ZipDirectoryTest, Zip64FieldsThatAreMissingAreRefused) {
  std::string archive = build_zip({{"a/data.pkl", "0123"}}, /*zip64=*/true);
  // The entry's zip64 extra field (id 0x0001) becomes one of another id.
  const auto extra = archive.find(std::string("\x01\x00\x18\x00", 4));
  ASSERT_NE(extra, std::string::npos);
  archive[extra] = '\x09';
  EXPECT_NE(error_of(archive).find("a/data.pkl: its zip64 sizes are missing"), std::string::npos)
      << error_of(archive);
}

TEST(ZipDirectoryTest, TextAndEmptyBytesAreNotArchives) {
  EXPECT_NE(error_of("").find("no zip directory"), std::string::npos);
  EXPECT_NE(error_of("PK\x03\x04 just text").find("no zip directory"), std::string::npos);
  EXPECT_TRUE(read_zip_directory_of_bytes(build_zip({})).ok());
}

}  // namespace
}  // namespace actscope
