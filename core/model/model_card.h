// The model card: what the engine must know about a model that the
// TorchScript graph does not say (input size, normalization, class labels).
//
// A card is JSON, embedded in the TorchScript archive as the extra file
// "actscope.json" or kept beside the model as "<model>.json" (for
// "net.pt": "net.pt.json" or "net.json"). The schema is documented in README.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace actscope {

// Channel order of 3-channel inputs as the model was trained on them.
enum class ChannelOrder { kRgb, kBgr };

struct ModelCard {
  std::string name;         // optional; defaults to the file's stem
  std::string description;  // optional
  int channels = 0;         // 1 or 3 (required)
  int height = 0;           // input height in pixels (required)
  int width = 0;            // input width in pixels (required)
  // torchvision's Resize(resize) + CenterCrop(height, width): the shorter
  // side scaled to `resize` (bilinear with antialias, as PIL), then the
  // centre cut to height x width. 0: the image is stretched to height x width.
  int resize = 0;
  ChannelOrder channel_order = ChannelOrder::kRgb;
  std::vector<float> mean;              // one per channel, on [0,1]-scaled pixels
  std::vector<float> std;               // one per channel, all > 0
  std::vector<std::string> labels;      // class names by logit index (may be empty)
  std::optional<double> test_accuracy;  // fraction in [0,1], as claimed by the card
  std::string test_set;                 // what test_accuracy was measured on

  // The label of class `index`, or "class <index>" when the card has none.
  std::string label(int index) const;
};

// A class given as an index ("3") or as one of `card`'s labels ("Sneaker",
// compared exactly). Returns its index (an index is not checked against the
// number of classes), or an error saying what to give, with the card's
// labels. Any thread.
Result<int> parse_class(const std::string& text, const ModelCard& card);

// Parses and validates card JSON. `source` names where the text came from
// (a file path, or "<model.pt>:actscope.json") and prefixes every error.
// A "labels_file" (class names, one per line) is read at once, a relative
// path from `folder` (the card's or the model's folder; "": the working
// folder), and its names become the card's labels.
Result<ModelCard> parse_model_card(const std::string& json_text, const std::string& source,
                                   const std::string& folder = "");

// Serializes a card in the documented schema (parse_model_card reads it back).
std::string model_card_to_json(const ModelCard& card);

// What the user typed to complete or override a card (CLI flags
// --input-size/--channels/--mean/--std, or the GUI's card dialog). Empty
// fields keep the card's value.
// Class names from a text file, one per line in logit order (blank lines at
// the end and Windows line ends are allowed). Errors name the file.
Result<std::vector<std::string>> read_labels_file(const std::string& path);

struct CardOverrides {
  std::string input_size;   // "HxW", e.g. "224x224"
  int channels = 0;         // 1 or 3; 0 keeps the card's
  std::vector<float> mean;  // one value (for every channel) or one per channel
  std::vector<float> std;
  int resize = 0;           // --resize S: the shorter side to S, then the centre crop; 0 keeps the card's
  std::string labels_file;  // --labels FILE: class names, one per line, in logit order

  bool empty() const {
    return input_size.empty() && channels == 0 && mean.empty() && std.empty() && resize == 0 &&
           labels_file.empty();
  }
};

// `base` (a model's card, or a blank one for a model without a card) with
// the overrides applied. A blank card takes `suggested_channels` (from the
// model's first conv layer) when no channel count is given, and mean 0 / std
// 1 when none is given. Errors say which value is missing or wrong.
Result<ModelCard> apply_card_overrides(const ModelCard& base, const CardOverrides& overrides,
                                       int suggested_channels);

// "224x224" (height x width) -> {224, 224}; nullopt when it is not that shape.
std::optional<std::pair<int, int>> parse_input_size(const std::string& text);

// True when the two cards make the same input tensor of an image (channels,
// size, resize, channel order, mean and std); labels and names aside.
bool same_input(const ModelCard& a, const ModelCard& b);

// The input a card makes, for messages: "1x28x28, mean 0.286, std 0.353".
std::string input_description(const ModelCard& card);

// The sidecar card paths tried for a model file, in order of preference.
std::vector<std::string> sidecar_card_paths(const std::string& model_path);

}  // namespace actscope
