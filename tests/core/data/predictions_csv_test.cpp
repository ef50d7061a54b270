// The predictions CSV: read back field by field, with names that need quoting.
#include "core/data/predictions_csv.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace actscope {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line
// breaks; every record ends with "\n".
Rows parse_csv(const std::string& text) {
  Rows rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      rows.back().back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ',') {
      rows.back().emplace_back();
    } else if (!quoted && c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  EXPECT_EQ(rows.back(), std::vector<std::string>(1)) << "the last record must end with a line break";
  rows.pop_back();
  return rows;
}

class PredictionsCsvTest : public ::testing::Test {
 protected:
  void SetUp() override { card_.labels = {"plain", "with, comma", "say \"hi\""}; }
  ModelCard card_;
  test::TempDir dir_;
};

TEST_F(PredictionsCsvTest, RowsReadBackWithTheirNamesLabelsAndConfidence) {
  const std::vector<DatasetImage> images = {
      {"a.png", 0}, {"b,c.png", 1}, {"say \"x\".png", 2}, {"line\r\nbreak.png", 1}, {"bad.png", 2}};
  const std::vector<DatasetPrediction> predictions = {{0, 0, 0.5f, ""},
                                                      {1, 2, 0.25f, ""},
                                                      {2, 2, 1.0f, ""},
                                                      {1, 0, 0.1234567f, ""},
                                                      {2, -1, 0.0f, "bad.png: not a readable image, \"damaged\""}};
  const auto path = dir_ / "predictions.csv";
  auto written = write_predictions_csv(path.string(), images, predictions, card_);
  ASSERT_TRUE(written.ok()) << written.error();

  const Rows rows = parse_csv(test::read_file(path));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"index", "image", "true_class", "true_label", "predicted_class",
                                      "predicted_label", "confidence", "correct", "error"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"0", "a.png", "0", "plain", "0", "plain", "0.500000", "1", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"1", "b,c.png", "1", "with, comma", "2", "say \"hi\"",
                                               "0.250000", "0", ""}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"2", "say \"x\".png", "2", "say \"hi\"", "2", "say \"hi\"",
                                               "1.000000", "1", ""}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"3", "line\r\nbreak.png", "1", "with, comma", "0", "plain",
                                               "0.123457", "0", ""}));
  // A skipped image: no prediction, not counted wrong, and why.
  EXPECT_EQ(rows[5], (std::vector<std::string>{"4", "bad.png", "2", "say \"hi\"", "-1", "", "", "",
                                               "bad.png: not a readable image, \"damaged\""}));
}

TEST_F(PredictionsCsvTest, OnlyFieldsWithCommasQuotesOrLineBreaksAreQuoted) {
  EXPECT_EQ(csv_field("shoe.png"), "shoe.png");
  EXPECT_EQ(csv_field("T-shirt/top"), "T-shirt/top");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field("lf\n"), "\"lf\n\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST_F(PredictionsCsvTest, ClassesWithoutLabelsAreNamedByIndex) {
  const std::vector<DatasetImage> images = {{"a.png", 3}};
  const std::vector<DatasetPrediction> predictions = {{3, 4, 0.75f, ""}};
  const Rows rows = parse_csv(predictions_csv(images, predictions, ModelCard{}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"0", "a.png", "3", "class 3", "4", "class 4", "0.750000", "0", ""}));
}

TEST_F(PredictionsCsvTest, AMissingFolderIsAnErrorNamingIt) {
  const auto path = dir_ / "no" / "such" / "predictions.csv";
  auto written = write_predictions_csv(path.string(), {}, {}, card_);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().find("no such folder"), std::string::npos) << written.error();
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace actscope
