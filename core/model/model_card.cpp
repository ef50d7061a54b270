#include "core/model/model_card.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/base/json_text.h"

namespace actscope {
namespace {

using nlohmann::json;

Error card_error(const std::string& source, const std::string& what) {
  return Error{source + ": invalid model card: " + what};
}

// A positive integer `object[key]` (at most 65536), or nullopt.
std::optional<int> positive_int(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer() || it->get<long long>() <= 0 ||
      it->get<long long>() > 1 << 16) {
    return std::nullopt;
  }
  return static_cast<int>(it->get<long long>());
}

// `object[key]` as a string: `fallback` when absent or null, nullopt when it
// holds anything else (json's value() would throw on a number).
std::optional<std::string> optional_string(const json& object, const char* key, std::string fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::vector<float>> float_list(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return std::nullopt;
  std::vector<float> values;
  for (const auto& item : *it) {
    if (!item.is_number()) return std::nullopt;
    // A number beyond float's range (2.86e43) would become infinity.
    const auto value = item.get<float>();
    if (!std::isfinite(value)) return std::nullopt;
    values.push_back(value);
  }
  return values;
}

Result<ModelCard> parse_input(const json& root, const std::string& source, ModelCard card) {
  auto input = root.find("input");
  if (input == root.end() || !input->is_object()) {
    return card_error(source, "missing object \"input\" with channels, height and width");
  }
  auto channels = positive_int(*input, "channels");
  auto height = positive_int(*input, "height");
  auto width = positive_int(*input, "width");
  if (!channels || (*channels != 1 && *channels != 3)) {
    return card_error(source, "\"input.channels\" must be 1 or 3");
  }
  if (!height || !width) {
    return card_error(source, "\"input.height\" and \"input.width\" must be positive integers");
  }
  card.channels = *channels;
  card.height = *height;
  card.width = *width;
  if (input->contains("resize")) {
    auto resize = positive_int(*input, "resize");
    if (!resize) return card_error(source, "\"input.resize\" must be a positive integer (the shorter side)");
    card.resize = *resize;
  }
  const auto order = optional_string(*input, "channel_order", "RGB");
  if (!order || (*order != "RGB" && *order != "BGR")) {
    return card_error(source, "\"input.channel_order\" must be \"RGB\" or \"BGR\", not " +
                                  json_text(input->at("channel_order")));
  }
  card.channel_order = *order == "BGR" ? ChannelOrder::kBgr : ChannelOrder::kRgb;
  return card;
}

Result<ModelCard> parse_normalization(const json& root, const std::string& source, ModelCard card) {
  auto mean = float_list(root, "mean");
  auto std = float_list(root, "std");
  if (!mean || !std) return card_error(source, "\"mean\" and \"std\" must be lists of finite numbers");
  const auto channels = static_cast<size_t>(card.channels);
  if (mean->size() != channels || std->size() != channels) {
    return card_error(
        source, "\"mean\" and \"std\" need one value per input channel (" + std::to_string(channels) + ")");
  }
  for (float s : *std) {
    if (!(s > 0.0f) || !std::isfinite(s)) return card_error(source, "every \"std\" value must be > 0");
  }
  card.mean = std::move(*mean);
  card.std = std::move(*std);
  return card;
}


Result<ModelCard> parse_labels_and_metrics(const json& root, const std::string& source,
                                           const std::string& folder, ModelCard card) {
  if (auto file = root.find("labels_file"); file != root.end()) {
    if (root.contains("labels")) return card_error(source, "give \"labels\" or \"labels_file\", not both");
    if (!file->is_string() || file->get<std::string>().empty()) {
      return card_error(source, "\"labels_file\" must be the path of a text file of class names");
    }
    std::filesystem::path path = file->get<std::string>();
    if (path.is_relative() && !folder.empty()) path = std::filesystem::path(folder) / path;
    auto labels = read_labels_file(path.string());
    if (!labels) return card_error(source, labels.error());
    card.labels = std::move(labels).value();
  }
  if (auto labels = root.find("labels"); labels != root.end()) {
    if (!labels->is_array()) return card_error(source, "\"labels\" must be a list of strings");
    for (const auto& label : *labels) {
      if (!label.is_string()) return card_error(source, "\"labels\" must be a list of strings");
      card.labels.push_back(label.get<std::string>());
    }
  }
  if (auto accuracy = root.find("test_accuracy"); accuracy != root.end() && !accuracy->is_null()) {
    if (!accuracy->is_number() || accuracy->get<double>() < 0.0 || accuracy->get<double>() > 1.0) {
      return card_error(source, "\"test_accuracy\" must be a fraction between 0 and 1");
    }
    card.test_accuracy = accuracy->get<double>();
  }
  auto test_set = optional_string(root, "test_set", "");
  if (!test_set) return card_error(source, "\"test_set\" must be a string");
  card.test_set = std::move(*test_set);
  return card;
}

}  // namespace

Result<std::vector<std::string>> read_labels_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Error{path + ": cannot read the labels file"};
  std::vector<std::string> labels;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels.push_back(line);
  }
  while (!labels.empty() && labels.back().empty()) labels.pop_back();
  if (labels.empty()) return Error{path + ": the labels file holds no class names"};
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].empty()) return Error{path + ": line " + std::to_string(i + 1) + " is blank (one class name per line)"};
  }
  return labels;
}

std::string ModelCard::label(int index) const {
  if (index >= 0 && static_cast<size_t>(index) < labels.size()) return labels[index];
  return "class " + std::to_string(index);
}

Result<int> parse_class(const std::string& text, const ModelCard& card) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](unsigned char c) { return std::isdigit(c) != 0; });
  if (digits) {
    int index = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (error != std::errc() || end != text.data() + text.size())
      return Error{"class '" + text + "' is out of range"};
    return index;
  }
  for (size_t i = 0; i < card.labels.size(); ++i) {
    if (card.labels[i] == text) return static_cast<int>(i);
  }
  std::string labels;
  for (const auto& label : card.labels) labels += (labels.empty() ? "" : ", ") + label;
  return Error{"unknown class '" + text + "': give an index or one of the card's labels" +
               (labels.empty() ? std::string(" (the card has none)") : ": " + labels)};
}

Result<ModelCard> parse_model_card(const std::string& json_text, const std::string& source,
                                   const std::string& folder) {
  json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return card_error(source, "not valid JSON");
  if (!root.is_object()) return card_error(source, "the top level must be a JSON object");
  ModelCard card;
  auto name = optional_string(root, "name", "");
  if (!name) return card_error(source, "\"name\" must be a string");
  auto description = optional_string(root, "description", "");
  if (!description) return card_error(source, "\"description\" must be a string");
  card.name = std::move(*name);
  card.description = std::move(*description);
  auto with_input = parse_input(root, source, std::move(card));
  if (!with_input) return with_input;
  auto with_normalization = parse_normalization(root, source, std::move(with_input).value());
  if (!with_normalization) return with_normalization;
  return parse_labels_and_metrics(root, source, folder, std::move(with_normalization).value());
}

std::string model_card_to_json(const ModelCard& card) {
  json root;
  root["name"] = card.name;
  if (!card.description.empty()) root["description"] = card.description;
  root["input"] = {{"channels", card.channels},
                   {"height", card.height},
                   {"width", card.width},
                   {"channel_order", card.channel_order == ChannelOrder::kBgr ? "BGR" : "RGB"}};
  if (card.resize > 0) root["input"]["resize"] = card.resize;
  root["mean"] = card.mean;
  root["std"] = card.std;
  root["labels"] = card.labels;
  if (card.test_accuracy) root["test_accuracy"] = *card.test_accuracy;
  if (!card.test_set.empty()) root["test_set"] = card.test_set;
  return json_text(root, 2);
}

namespace {


// One value means "the same for every channel".
std::vector<float> per_channel(const std::vector<float>& values, size_t channels) {
  return values.size() == 1 ? std::vector<float>(channels, values[0]) : values;
}

}  // namespace

Result<ModelCard> apply_card_overrides(const ModelCard& base, const CardOverrides& overrides,
                                       int suggested_channels) {
  ModelCard card = base;
  const bool blank = base.channels == 0;
  if (overrides.channels != 0) card.channels = overrides.channels;
  if (card.channels == 0) card.channels = suggested_channels;
  if (card.channels == 0) return Error{"the number of input channels is unknown: give --channels 1 or 3"};
  if (!overrides.input_size.empty()) {
    auto size = parse_input_size(overrides.input_size);
    if (!size)
      return Error{"input size '" + overrides.input_size + "' must look like 224x224 (height x width)"};
    std::tie(card.height, card.width) = *size;
  }
  if (card.height == 0) return Error{"the input size is unknown: give --input-size HxW, e.g. 224x224"};
  if (overrides.resize < 0) return Error{"--resize must be a positive number of pixels"};
  if (overrides.resize > 0) card.resize = overrides.resize;
  if (!overrides.labels_file.empty()) {
    auto labels = read_labels_file(overrides.labels_file);
    if (!labels) return Error{labels.error()};
    card.labels = std::move(labels).value();
  }
  const auto channels = static_cast<size_t>(card.channels);
  card.mean = per_channel(overrides.mean.empty() ? card.mean : overrides.mean, channels);
  card.std = per_channel(overrides.std.empty() ? card.std : overrides.std, channels);
  if (blank && card.mean.empty()) card.mean.assign(channels, 0.0f);
  if (blank && card.std.empty()) card.std.assign(channels, 1.0f);
  // Validate the result exactly as a card file would be.
  return parse_model_card(model_card_to_json(card), "the input you gave");
}

std::optional<std::pair<int, int>> parse_input_size(const std::string& text) {
  const auto x = text.find('x');
  if (x == std::string::npos || x == 0 || x + 1 == text.size()) return std::nullopt;
  const std::string height = text.substr(0, x), width = text.substr(x + 1);
  for (const auto& part : {height, width}) {
    if (part.size() > 5 || part.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  }
  return std::make_pair(std::stoi(height), std::stoi(width));
}

std::vector<std::string> sidecar_card_paths(const std::string& model_path) {
  std::filesystem::path path(model_path);
  std::filesystem::path with_stem = path;
  with_stem.replace_extension(".json");
  return {model_path + ".json", with_stem.string()};
}

bool same_input(const ModelCard& a, const ModelCard& b) {
  return a.channels == b.channels && a.height == b.height && a.width == b.width && a.resize == b.resize &&
         a.channel_order == b.channel_order && a.mean == b.mean && a.std == b.std;
}

std::string input_description(const ModelCard& card) {
  auto values = [](const std::vector<float>& list) {
    std::string text;
    for (float value : list) {
      char number[24];
      std::snprintf(number, sizeof number, "%s%.6g", text.empty() ? "" : ",", static_cast<double>(value));
      text += number;
    }
    return text;
  };
  std::string text = std::to_string(card.channels) + "x" + std::to_string(card.height) + "x" + std::to_string(card.width);
  if (card.resize > 0) text += " (resized to " + std::to_string(card.resize) + ", centre crop)";
  if (card.channel_order == ChannelOrder::kBgr) text += ", BGR";
  return text + ", mean " + values(card.mean) + ", std " + values(card.std);
}

}  // namespace actscope
