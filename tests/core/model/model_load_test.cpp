#include "core/model/model.h"
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
