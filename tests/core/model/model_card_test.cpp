#include "core/model/model_card.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

nlohmann::json valid_card() {
  return nlohmann::json::parse(R"({
    "name": "net", "input": {"channels": 3, "height": 32, "width": 40, "channel_order": "BGR"},
    "mean": [0.5, 0.4, 0.3], "std": [0.2, 0.25, 0.3],
    "labels": ["cat", "dog"], "test_accuracy": 0.875, "test_set": "pets"})");
}

std::string parse_error(const nlohmann::json& card) {
  auto result = parse_model_card(card.dump(), "net.json");
  EXPECT_FALSE(result.ok());
  return result.error();
}

TEST(ModelCardTest, ParsesEveryField) {
  auto card = parse_model_card(valid_card().dump(), "net.json");
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().channels, 3);
  EXPECT_EQ(card.value().height, 32);
  EXPECT_EQ(card.value().width, 40);
  EXPECT_EQ(card.value().channel_order, ChannelOrder::kBgr);
  EXPECT_FLOAT_EQ(card.value().std[1], 0.25f);
  EXPECT_EQ(card.value().label(1), "dog");
  EXPECT_EQ(card.value().label(7), "class 7");
  EXPECT_DOUBLE_EQ(*card.value().test_accuracy, 0.875);
}

TEST(ModelCardTest, RoundTripsThroughJson) {
  auto card = parse_model_card(valid_card().dump(), "net.json").value();
  auto again = parse_model_card(model_card_to_json(card), "again.json");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value().labels, card.labels);
  EXPECT_EQ(again.value().mean, card.mean);
  EXPECT_EQ(again.value().channel_order, card.channel_order);
  EXPECT_EQ(again.value().test_accuracy, card.test_accuracy);
}

// Found by fuzz_model_card: a mean beyond float's range (written 286e041)
// became infinity, was accepted, and the card written back held null.
TEST(ModelCardTest, NumbersBeyondFloatRangeAreRefused) {
  for (const char* key : {"mean", "std"}) {
    auto card = valid_card();
    card[key] = {0.5, 2.86e43, 0.3};
    const std::string error = parse_error(card);
    EXPECT_NE(error.find("net.json"), std::string::npos) << error;
    EXPECT_NE(error.find("finite numbers"), std::string::npos) << error;
  }
}

TEST(ModelCardTest, OptionalFieldsMayBeAbsent) {
  auto card = parse_model_card(R"({"input": {"channels": 1, "height": 8, "width": 8},
                                   "mean": [0], "std": [1]})",
                               "net.json");
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().channel_order, ChannelOrder::kRgb);
  EXPECT_FALSE(card.value().test_accuracy.has_value());
  EXPECT_TRUE(card.value().labels.empty());
}

TEST(ModelCardTest, ErrorsNameTheSourceAndTheField) {
  EXPECT_EQ(parse_model_card("{nope", "my.json").error().rfind("my.json: ", 0), 0u);
  auto no_input = valid_card();
  no_input.erase("input");
  EXPECT_NE(parse_error(no_input).find("\"input\""), std::string::npos);
  auto two_channels = valid_card();
  two_channels["input"]["channels"] = 2;
  EXPECT_NE(parse_error(two_channels).find("channels"), std::string::npos);
  auto short_mean = valid_card();
  short_mean["mean"] = {0.5};
  EXPECT_NE(parse_error(short_mean).find("one value per input channel"), std::string::npos);
  auto zero_std = valid_card();
  zero_std["std"][2] = 0;
  EXPECT_NE(parse_error(zero_std).find("std"), std::string::npos);
  auto bad_order = valid_card();
  bad_order["input"]["channel_order"] = "GBR";
  EXPECT_NE(parse_error(bad_order).find("channel_order"), std::string::npos);
  auto percent = valid_card();
  percent["test_accuracy"] = 91.5;
  EXPECT_NE(parse_error(percent).find("test_accuracy"), std::string::npos);
  auto numeric_labels = valid_card();
  numeric_labels["labels"] = {1, 2};
  EXPECT_NE(parse_error(numeric_labels).find("labels"), std::string::npos);
}

// Found by fuzz_model_card in CI: "test_set": 0 made json's value() throw
// out of parse_model_card, which ended the program. Every optional string
// field of another type is now an error naming the field.
TEST(ModelCardTest, OptionalStringsOfAnotherTypeAreRefused) {
  for (const char* key : {"name", "description", "test_set"}) {
    for (const auto& wrong : {nlohmann::json(0), nlohmann::json::array(), nlohmann::json::object(), nlohmann::json(true)}) {
      auto card = valid_card();
      card[key] = wrong;
      const std::string error = parse_error(card);
      EXPECT_EQ(error.rfind("net.json: ", 0), 0u) << error;
      EXPECT_NE(error.find(std::string("\"") + key + "\" must be a string"), std::string::npos) << error;
    }
  }
  auto numeric_order = valid_card();
  numeric_order["input"]["channel_order"] = 3;
  EXPECT_NE(parse_error(numeric_order).find("channel_order"), std::string::npos);
  auto null_fields = valid_card();
  null_fields["test_set"] = nullptr;
  null_fields["description"] = nullptr;
  null_fields["input"]["channel_order"] = nullptr;
  auto card = parse_model_card(null_fields.dump(), "net.json");
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().test_set, "");
  EXPECT_EQ(card.value().channel_order, ChannelOrder::kRgb);
}

TEST(ModelCardTest, OverridesCompleteABlankCard) {
  CardOverrides typed;
  typed.input_size = "224x200";
  auto card = apply_card_overrides(ModelCard{}, typed, 3);
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().channels, 3);
  EXPECT_EQ(card.value().height, 224);
  EXPECT_EQ(card.value().width, 200);
  EXPECT_EQ(card.value().mean, std::vector<float>(3, 0.0f));
  EXPECT_EQ(card.value().std, std::vector<float>(3, 1.0f));
}

// torchvision's Resize(S) + CenterCrop: "input.resize" in a card, --resize
// as an override; both survive the round trip, and a bad value is refused.
TEST(ModelCardTest, ResizeIsReadWrittenAndOverridden) {
  auto card_json = valid_card();
  card_json["input"]["resize"] = 36;
  auto card = parse_model_card(card_json.dump(), "net.json");
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().resize, 36);
  auto again = parse_model_card(model_card_to_json(card.value()), "again");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value().resize, 36);
  EXPECT_EQ(parse_model_card(valid_card().dump(), "net.json").value().resize, 0);  // absent: stretch
  card_json["input"]["resize"] = 0;
  EXPECT_NE(parse_error(card_json).find("net.json: invalid model card: \"input.resize\" must be a positive integer"), std::string::npos)
      << parse_error(card_json);
  CardOverrides typed;
  typed.resize = 256;
  typed.input_size = "224x224";
  auto overridden = apply_card_overrides(card.value(), typed, 3);
  ASSERT_TRUE(overridden.ok()) << overridden.error();
  EXPECT_EQ(overridden.value().resize, 256);
  EXPECT_EQ(overridden.value().height, 224);
}

// --labels FILE: one class name per line, Windows line ends and trailing
// blank lines allowed; a blank line inside or a missing file is named.
TEST(ModelCardTest, LabelsComeFromAFileOfOneNamePerLine) {
  test::TempDir dir;
  test::write_file(dir / "names.txt", "tabby cat\r\ngolden retriever\r\n\n");
  CardOverrides typed;
  typed.labels_file = (dir / "names.txt").string();
  auto card = apply_card_overrides(parse_model_card(valid_card().dump(), "net.json").value(), typed, 3);
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().labels, (std::vector<std::string>{"tabby cat", "golden retriever"}));
  test::write_file(dir / "gap.txt", "a\n\nb\n");
  typed.labels_file = (dir / "gap.txt").string();
  typed.input_size = "8x8";
  auto gap = apply_card_overrides(ModelCard{}, typed, 3);
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.error().find("gap.txt: line 2 is blank"), std::string::npos) << gap.error();
  typed.labels_file = (dir / "none.txt").string();
  auto none = apply_card_overrides(ModelCard{}, typed, 3);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("none.txt: cannot read the labels file"), std::string::npos) << none.error();
}

// A card's "labels_file": read relative to the card's folder, the names
// becoming its labels; with "labels" too, or unreadable, it is refused.
TEST(ModelCardTest, ACardsLabelsFileIsReadFromItsFolder) {
  test::TempDir dir;
  test::write_file(dir / "classes.txt", "tabby cat\ngolden retriever\n");
  nlohmann::json card = valid_card();
  card.erase("labels");
  card["labels_file"] = "classes.txt";
  auto parsed = parse_model_card(card.dump(), "net.json", dir.path().string());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed.value().labels, (std::vector<std::string>{"tabby cat", "golden retriever"}));
  card["labels_file"] = (dir / "classes.txt").string();  // an absolute path from anywhere
  ASSERT_TRUE(parse_model_card(card.dump(), "net.json", "/nowhere").ok());

  card["labels_file"] = "missing.txt";
  auto missing = parse_model_card(card.dump(), "net.json", dir.path().string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("net.json"), std::string::npos) << missing.error();
  EXPECT_NE(missing.error().find("missing.txt: cannot read the labels file"), std::string::npos) << missing.error();
  card["labels_file"] = "classes.txt";
  card["labels"] = {"a", "b"};
  EXPECT_NE(parse_error(card).find("not both"), std::string::npos);
  card.erase("labels");
  card["labels_file"] = 7;
  EXPECT_NE(parse_error(card).find("\"labels_file\" must be the path"), std::string::npos);
}

TEST(ModelCardTest, OneMeanValueStandsForEveryChannel) {
  auto base = parse_model_card(valid_card().dump(), "net.json").value();
  CardOverrides typed;
  typed.mean = {0.5f};
  typed.input_size = "64x64";
  auto card = apply_card_overrides(base, typed, 0);
  ASSERT_TRUE(card.ok()) << card.error();
  EXPECT_EQ(card.value().mean, std::vector<float>(3, 0.5f));
  EXPECT_EQ(card.value().std, base.std);
  EXPECT_EQ(card.value().labels, base.labels);
  EXPECT_EQ(card.value().height, 64);
}

TEST(ModelCardTest, OverridesSayWhatIsMissingOrWrong) {
  EXPECT_NE(apply_card_overrides(ModelCard{}, {}, 3).error().find("--input-size"), std::string::npos);
  EXPECT_NE(apply_card_overrides(ModelCard{}, {}, 0).error().find("--channels"), std::string::npos);
  CardOverrides bad_size;
  bad_size.input_size = "224";
  EXPECT_NE(apply_card_overrides(ModelCard{}, bad_size, 3).error().find("'224'"), std::string::npos);
  CardOverrides two_means;
  two_means.input_size = "8x8";
  two_means.mean = {0.1f, 0.2f};
  EXPECT_NE(apply_card_overrides(ModelCard{}, two_means, 3).error().find("one value per input channel"),
            std::string::npos);
}

TEST(ModelCardTest, SidecarPathsPreferFullNameThenStem) {
  auto paths = sidecar_card_paths("/m/net.pt");
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], "/m/net.pt.json");
  EXPECT_EQ(paths[1], "/m/net.json");
}

TEST(ModelCardTest, ClassesAreGivenByIndexOrByLabel) {
  ModelCard card;
  card.labels = {"T-shirt/top", "Trouser", "7"};
  EXPECT_EQ(parse_class("Trouser", card).value(), 1);
  EXPECT_EQ(parse_class("T-shirt/top", card).value(), 0);
  EXPECT_EQ(parse_class("2", card).value(), 2);
  EXPECT_EQ(parse_class("7", card).value(), 7) << "digits are an index, even where a label reads the same";
  EXPECT_EQ(parse_class("12", ModelCard{}).value(), 12) << "an index is not checked against the classes";
}

TEST(ModelCardTest, AnUnknownClassListsTheLabels) {
  ModelCard card;
  card.labels = {"cat", "dog"};
  auto unknown = parse_class("Cat", card);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error(), "unknown class 'Cat': give an index or one of the card's labels: cat, dog");
  auto none = parse_class("cat", ModelCard{});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("(the card has none)"), std::string::npos) << none.error();
  auto huge = parse_class("99999999999", card);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error(), "class '99999999999' is out of range");
  EXPECT_FALSE(parse_class("", card).ok());
  EXPECT_FALSE(parse_class("-1", card).ok());
}

}  // namespace
}  // namespace actscope
