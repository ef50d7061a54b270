// The model card (actscope.json): any text parses to a card or an error, and
// a card that parses is written out and parses again to the same JSON.
#include <string>

#include "core/model/model_card.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto card = actscope::parse_model_card(text, "fuzz.json");
  if (!card.ok()) return 0;
  const std::string written = actscope::model_card_to_json(card.value());
  auto again = actscope::parse_model_card(written, "fuzz.json");
  if (!again.ok() || actscope::model_card_to_json(again.value()) != written) __builtin_trap();
  return 0;
}
