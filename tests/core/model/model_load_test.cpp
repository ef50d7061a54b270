#include "core/model/model.h"
#include "core/base/gui_thread.h"
#include "core/model/image_input.h"
#include "core/model/torchscript_archive.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"
#include "tests/support/zip_builder.h"

namespace actscope {
namespace {

std::string load_error(const std::filesystem::path& path) {
  auto model = Model::load(path.string());
  EXPECT_FALSE(model.ok()) << path << " loaded but should not";
  return model.ok() ? std::string() : model.error();
}

TEST(ModelLoadTest, BundledModelCarriesItsCard) {
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model.ok()) << model.error();
  const ModelCard& card = model.value()->card();
  EXPECT_EQ(model.value()->card_source(), CardSource::kEmbedded);
  EXPECT_EQ(card.name, "fashion_cnn");
  EXPECT_EQ(card.channels, 1);
  EXPECT_EQ(card.height, 28);
  EXPECT_EQ(card.width, 28);
  ASSERT_EQ(card.labels.size(), 10u);
  EXPECT_EQ(card.labels[9], "Ankle boot");
  ASSERT_TRUE(card.test_accuracy.has_value());
  EXPECT_GE(*card.test_accuracy, 0.90);
}

TEST(ModelLoadTest, MissingFileIsNamed) {
  const auto error = load_error("/no/such/dir/model.pt");
  EXPECT_NE(error.find("/no/such/dir/model.pt: no such file"), std::string::npos) << error;
}

TEST(ModelLoadTest, TextFileIsNotAnArchive) {
  test::TempDir dir;
  test::write_file(dir / "notes.pt", "just some text");
  EXPECT_NE(load_error(dir / "notes.pt").find("not a TorchScript archive"), std::string::npos);
}

TEST(ModelLoadTest, TruncatedArchiveIsReportedAsDamaged) {
  test::TempDir dir;
  const std::string bytes = test::read_file(test::bundled_model());
  test::write_file(dir / "half.pt", bytes.substr(0, bytes.size() / 2));
  const auto error = load_error(dir / "half.pt");
  EXPECT_NE(error.find("half.pt: damaged or truncated"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << "backtraces must not reach users: " << error;
}

// The directory is checked before LibTorch reads the file: a cut anywhere in
// the last kilobytes (the directory) is named as a cut, not as whatever the
// reader makes of it.
TEST(ModelLoadTest, AnArchiveCutInItsDirectoryIsNamedAsCut) {
  test::TempDir dir;
  const std::string bytes = test::read_file(test::bundled_model());
  for (size_t missing : {1, 21, 23, 500, 3000}) {
    test::write_file(dir / "cut.pt", bytes.substr(0, bytes.size() - missing));
    const auto error = load_error(dir / "cut.pt");
    EXPECT_NE(error.find("cut.pt: damaged or truncated TorchScript archive (no zip directory at its end: the "
                         "file was cut short"),
              std::string::npos)
        << missing << ": " << error;
  }
}

// Archives past 4 GiB are written with zip64 records: the same model so
// written loads and runs alike.
TEST(ModelLoadTest, AZip64ArchiveLoads) {
  test::TempDir dir;
  test::write_file(dir / "wide.pt", test::build_zip(test::copy_zip_entries(test::read_file(test::bundled_model())),
                                                    /*zip64=*/true));
  auto wide = Model::load((dir / "wide.pt").string());
  ASSERT_TRUE(wide.ok()) << wide.error();
  auto plain = Model::load(test::bundled_model().string());
  EXPECT_EQ(wide.value()->card().labels, plain.value()->card().labels);
  EXPECT_EQ(wide.value()->layers().size(), plain.value()->layers().size());
}

std::string le(uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}
uint64_t le_at(const std::string& bytes, size_t at, int count) {
  uint64_t value = 0;
  for (int i = count; i-- > 0;) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

// The bundled model rewritten with classic records only, and where its
// end-of-directory record is, its entry count, directory size and offset.
struct PlainArchive {
  std::string bytes = test::build_zip(test::copy_zip_entries(test::read_file(test::bundled_model())));
  size_t end = bytes.rfind(std::string("PK\x05\x06", 4));
  uint64_t entries = le_at(bytes, end + 10, 2);
  uint64_t directory_size = le_at(bytes, end + 12, 4);
  uint64_t directory_offset = le_at(bytes, end + 16, 4);
};

// LibTorch's zip reader (miniz) takes the zip64 record whenever its locator
// is there, whatever the classic record says; the check reads the same
// records and refuses a file whose two records disagree, so a zip64 record
// cannot redirect LibTorch to a directory the check did not see.
TEST(ModelLoadTest, AZip64RecordThatRedirectsTheDirectoryIsRefused) {
  test::TempDir dir;
  const PlainArchive plain;
  const auto with_zip64 = [&](uint64_t offset) {
    const std::string record = std::string("PK\x06\x06", 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) +
                               le(plain.entries, 8) + le(plain.entries, 8) + le(plain.directory_size, 8) + le(offset, 8);
    const std::string locator = std::string("PK\x06\x07", 4) + le(0, 4) + le(plain.end, 8) + le(1, 4);
    return plain.bytes.substr(0, plain.end) + record + locator + plain.bytes.substr(plain.end);
  };
  test::write_file(dir / "agreeing.pt", with_zip64(plain.directory_offset));
  auto agreeing = Model::load((dir / "agreeing.pt").string());
  ASSERT_TRUE(agreeing.ok()) << agreeing.error();
  EXPECT_EQ(agreeing.value()->card().name, "fashion_cnn");
  test::write_file(dir / "redirected.pt", with_zip64(0));
  const auto error = load_error(dir / "redirected.pt");
  EXPECT_NE(error.find("redirected.pt: damaged or truncated TorchScript archive (its zip64 and classic directory "
                       "records disagree)"),
            std::string::npos)
      << error;
}

// miniz takes the last end-record signature with 22 bytes after it, also one
// inside the real record's comment whose own comment length overruns the
// file. The check takes the same record, so the directory it checks is the
// one LibTorch reads: a copy of the real directory there loads; a copy in
// which two entries share their bytes is refused.
TEST(ModelLoadTest, AnEndRecordInsideTheCommentIsTheOneChecked) {
  test::TempDir dir;
  const PlainArchive plain;
  const std::string directory = plain.bytes.substr(plain.directory_offset, plain.directory_size);
  const auto with_fake = [&](const std::string& fake_directory) {
    const uint64_t fake_offset = plain.end + 22;  // where the comment starts
    const std::string fake_end = std::string("PK\x05\x06", 4) + le(0, 4) + le(plain.entries, 2) +
                                 le(plain.entries, 2) + le(fake_directory.size(), 4) + le(fake_offset, 4) +
                                 le(0xffff, 2);
    const std::string comment = fake_directory + fake_end;
    return plain.bytes.substr(0, plain.end + 20) + le(comment.size(), 2) + comment;
  };
  test::write_file(dir / "copy.pt", with_fake(directory));
  auto copy = Model::load((dir / "copy.pt").string());
  ASSERT_TRUE(copy.ok()) << copy.error();
  // The second entry's local header moved onto the first's.
  std::string overlapping = directory;
  const size_t second = 46 + le_at(directory, 28, 2) + le_at(directory, 30, 2) + le_at(directory, 32, 2);
  overlapping.replace(second + 42, 4, directory.substr(42, 4));
  test::write_file(dir / "fake.pt", with_fake(overlapping));
  const auto error = load_error(dir / "fake.pt");
  EXPECT_NE(error.find("overlap in the archive"), std::string::npos) << error;
}

// The file is opened and read once: the check and LibTorch read the same
// bytes, so a file swapped in after the check is never loaded (a loader
// that checked the path and then let LibTorch open it again would open it
// twice, and hash it a third time for the manifests).
TEST(ModelLoadTest, TheFileIsReadOnceSoOneSwappedAfterTheCheckIsNeverLoaded) {
  test::TempDir dir;
  std::filesystem::copy_file(test::bundled_model(), dir / "net.pt");
  test::OpenCounter counter(dir / "net.pt");
  auto model = Model::load((dir / "net.pt").string());
  ASSERT_TRUE(model.ok()) << model.error();
  EXPECT_EQ(model.value()->sha256().size(), 64u);  // computed from the bytes read, not by opening the file
  EXPECT_EQ(counter.opens(), 1);
  EXPECT_EQ(model.value()->card().name, "fashion_cnn");
  auto plain = Model::load(test::bundled_model().string());
  EXPECT_EQ(model.value()->sha256(), plain.value()->sha256());
  EXPECT_EQ(model.value()->layers().size(), plain.value()->layers().size());
}

// The desktop program's GUI thread only draws: a model run asked for there
// is refused with an error naming the rule.
TEST(ModelLoadTest, NoModelRunsOnTheGuiThread) {
  auto model = Model::load(test::bundled_model().string());
  ASSERT_TRUE(model.ok()) << model.error();
  auto image = load_image((test::resource_dir() / "samples" / "01557_bag.png").string(), model.value()->card());
  ASSERT_TRUE(image.ok()) << image.error();
  mark_gui_thread();
  auto logits = model.value()->logits({image.value()});
  auto captured = model.value()->capture({image.value()});
  auto weights = model.value()->conv_weights("conv1");
  mark_gui_thread(false);
  for (const std::string& error : {logits.error(), captured.error(), weights.error()})
    EXPECT_NE(error.find("not run: models run on the engine worker, never on the GUI thread"), std::string::npos) << error;
  EXPECT_TRUE(model.value()->logits({image.value()}).ok());
}

TEST(ModelLoadTest, ZipArchivesNotLaidOutByTorchJitSaveAreRefused) {
  test::TempDir dir;
  const std::pair<std::vector<test::ZipBuildEntry>, std::string> cases[] = {
      {{{"data.pkl", "x"}, {"constants.pkl", "x"}}, "its files are not in one folder"},
      {{{"a/data.pkl", "x"}, {"b/constants.pkl", "x"}}, "b/constants.pkl lies outside the archive's folder a/"},
      {{{"a/constants.pkl", "x"}, {"a/version", "3"}}, "it has no a/data.pkl"},
  };
  for (const auto& [entries, why] : cases) {
    test::write_file(dir / "odd.pt", test::build_zip(entries));
    const auto error = load_error(dir / "odd.pt");
    EXPECT_NE(error.find("odd.pt: damaged or truncated TorchScript archive (" + why + ")"), std::string::npos)
        << error;
  }
  // The format before PyTorch 1.4 (model.json, no data.pkl) is left to LibTorch's reader.
  EXPECT_TRUE(check_torchscript_archive_bytes(test::build_zip({{"a/model.json", "{}"}, {"a/version", "1"}}), "old.pt").ok());
}

TEST(ModelLoadTest, WeightsFromTorchSaveAreRefused) {
  const auto error = load_error(test::fixture_dir() / "invalid" / "state_dict.pt");
  EXPECT_NE(error.find("state_dict.pt: holds no TorchScript program: it is a torch.save file"),
            std::string::npos)
      << error;
}

TEST(ModelLoadTest, ForwardWithTwoTensorsIsRefused) {
  const auto error = load_error(test::fixture_dir() / "invalid" / "two_inputs.pt");
  EXPECT_NE(error.find("forward() must take exactly one tensor"), std::string::npos) << error;
}

TEST(ModelLoadTest, ModuleWithoutForwardIsRefused) {
  const auto error = load_error(test::fixture_dir() / "invalid" / "no_forward.pt");
  EXPECT_NE(error.find("no_forward.pt: the model has no forward() method"), std::string::npos) << error;
}

TEST(ModelLoadTest, SidecarCardIsReadWhenNoneIsEmbedded) {
  test::TempDir dir;
  std::filesystem::copy_file(test::fixture_dir() / "twice_scripted.pt", dir / "net.pt");
  auto without = Model::load((dir / "net.pt").string());
  ASSERT_TRUE(without.ok()) << without.error();
  EXPECT_EQ(without.value()->card_source(), CardSource::kNone);

  test::write_file(dir / "net.json", R"({"input": {"channels": 3, "height": 16, "width": 16},
                                        "mean": [0, 0, 0], "std": [1, 1, 1]})");
  auto with = Model::load((dir / "net.pt").string());
  ASSERT_TRUE(with.ok()) << with.error();
  EXPECT_EQ(with.value()->card_source(), CardSource::kSidecar);
  EXPECT_EQ(with.value()->card().height, 16);
  EXPECT_EQ(with.value()->card().name, "net");

  test::write_file(dir / "net.pt.json", R"({"input": {"channels": 5}})");
  const auto error = load_error(dir / "net.pt");
  EXPECT_NE(error.find("net.pt.json: invalid model card"), std::string::npos) << error;
}

TEST(ModelLoadTest, TopClassesAreSortedProbabilities) {
  auto top = top_classes({1.0f, 3.0f, 2.0f}, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].class_index, 1);
  EXPECT_EQ(top[1].class_index, 2);
  const double total = std::exp(1.0) + std::exp(3.0) + std::exp(2.0);
  EXPECT_NEAR(top[0].probability, std::exp(3.0) / total, 1e-6);
}

}  // namespace
}  // namespace actscope
