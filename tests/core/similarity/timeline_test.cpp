#include "core/similarity/timeline.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/similarity/cka.h"
#include "core/similarity/cka_json.h"
#include "core/similarity/timeline_plot.h"
#include "tests/support/test_support.h"

namespace actscope {
namespace {

TEST(NaturalOrderTest, NumbersCompareAsNumbers) {
  std::vector<std::string> names{"epoch_10.pt", "epoch_2.pt", "epoch_1.pt", "epoch_0.pt", "final.pt", "epoch_02b.pt"};
  std::sort(names.begin(), names.end(), natural_less);
  EXPECT_EQ(names, (std::vector<std::string>{"epoch_0.pt", "epoch_1.pt", "epoch_2.pt", "epoch_02b.pt", "epoch_10.pt",
                                             "final.pt"}));
  EXPECT_FALSE(natural_less("a", "a"));
  EXPECT_TRUE(natural_less("step_9", "step_10"));
  EXPECT_FALSE(natural_less("step_10", "step_9"));
}

TEST(CheckpointFilesTest, AFoldersCheckpointsInNaturalOrder) {
  const test::TempDir folder;
  for (const char* name : {"epoch_10.pt", "epoch_2.pt", "notes.txt", "epoch_1.pt"}) {
    std::ofstream(folder.path() / name) << "x";
  }
  auto files = checkpoint_files(folder.path().string());
  ASSERT_TRUE(files) << files.error();
  std::vector<std::string> names;
  for (const auto& path : files.value()) names.push_back(std::filesystem::path(path).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"epoch_1.pt", "epoch_2.pt", "epoch_10.pt"}));
  const test::TempDir empty;
  auto none = checkpoint_files(empty.path().string());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find(empty.path().string()), std::string::npos) << none.error();
}

CkaRun shard_of(int index, int count, double base) {
  CkaRun run;
  run.sha256_a = "a";
  run.sha256_b = "b";
  run.dataset_path = "data";
  run.dataset_images = 100;
  run.batch_size = 8;
  run.shard = index;
  run.shards = count;
  run.batches = 2;
  run.images = 16;
  run.layers_a = {"x", "y"};
  run.layers_b = {"z"};
  run.sums.cross = {base, base / 2};
  run.sums.self_a = {base * 2, base};
  run.sums.self_b = {base};
  return run;
}

TEST(MergeCkaTest, AddsTheSumsOfEveryShard) {
  auto merged = merge_cka({shard_of(1, 2, 3.0), shard_of(0, 2, 1.0)});
  ASSERT_TRUE(merged) << merged.error();
  EXPECT_EQ(merged.value().shards, 1);
  EXPECT_EQ(merged.value().images, 32);
  EXPECT_DOUBLE_EQ(merged.value().cka()[0], 4.0 / std::sqrt(8.0 * 4.0));
  auto missing = merge_cka({shard_of(0, 3, 1.0), shard_of(2, 3, 1.0)});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("shard 1 of 3 is missing"), std::string::npos) << missing.error();
  auto other = shard_of(1, 2, 1.0);
  other.layers_b = {"w"};
  auto mixed = merge_cka({shard_of(0, 2, 1.0), other});
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().find("other layers"), std::string::npos) << mixed.error();
}

TEST(CkaJsonTest, ReadsBackWhatItWrote) {
  CkaRun run = shard_of(1, 3, 0.1 + 1e-13);
  run.sums.self_b = {0.0};  // a constant layer: no CKA, written as null
  auto read = cka_from_json(cka_to_json(run), "cka.json");
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read.value().sums.cross, run.sums.cross) << "sums read back exactly";
  EXPECT_EQ(read.value().sums.self_a, run.sums.self_a);
  EXPECT_EQ(read.value().layers_a, run.layers_a);
  EXPECT_EQ(read.value().shard, 1);
  EXPECT_TRUE(std::isnan(read.value().cka()[0]));
  auto atlas = cka_from_json(R"({"format": "actscope-atlas", "version": 1})", "atlas.json");
  ASSERT_FALSE(atlas);
  EXPECT_NE(atlas.error().find("atlas.json: not an actscope CKA file"), std::string::npos) << atlas.error();
}

TEST(TimelinePictureTest, AClickFindsTheCheckpointUnderIt) {
  Timeline timeline;
  for (int c = 0; c < 4; ++c) {
    TimelineCheckpoint checkpoint;
    checkpoint.path = "run/epoch_" + std::to_string(c) + ".pt";
    checkpoint.accuracy = 0.5 + 0.1 * c;
    checkpoint.layers = {{"conv1", true, 0.1, 0.0, 0.5 + 0.1 * c}};
    timeline.checkpoints.push_back(checkpoint);
  }
  const TimelinePicture picture = draw_timeline(timeline, "run");
  ASSERT_EQ(picture.panels.size(), 3u);
  ASSERT_EQ(picture.checkpoint_x.size(), 4u);
  for (const auto& box : picture.panels) {
    for (int c = 0; c < 4; ++c) {
      EXPECT_EQ(checkpoint_at(picture, box.left + picture.checkpoint_x[static_cast<size_t>(c)] + 2, box.top + 10), c);
    }
  }
  EXPECT_EQ(checkpoint_at(picture, 2, 2), -1);
  EXPECT_EQ(checkpoint_name("run/epoch_3.pt"), "epoch_3");
}

}  // namespace
}  // namespace actscope
