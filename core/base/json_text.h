// JSON text that cannot fail on a file name. Linux file names are bytes: a
// name in another encoding than UTF-8 made nlohmann's dump() throw
// ("invalid UTF-8 byte"), so a manifest naming such a file was never
// written. Here the bad bytes become U+FFFD (the path reads a little
// differently; everything else is exact).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace actscope {

// value.dump(indent), with invalid UTF-8 in strings replaced by U+FFFD.
inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace actscope
