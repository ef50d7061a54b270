// The parts every manifest.json shares, so that each export describes its
// files the same way: the tool, a file with its absolute path and sha256, and
// a layer's per-filter statistics.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/maps/normalization.h"

namespace actscope {

// {"name": "actscope", "version": ...}
nlohmann::json tool_entry();

// {"path": absolute path, "sha256": digest ("" when the file cannot be read)}.
nlohmann::json file_entry(const std::string& path);

// Every filter's raw statistics: index, min, max, mean, zero_fraction, and
// non_finite where NaN/Inf values were found.
nlohmann::json filter_entries(const NormalizedMaps& maps);

}  // namespace actscope
