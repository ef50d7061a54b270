// The parts every manifest.json shares, so that each export describes its
// files the same way: the tool, a file with its absolute path and sha256, and
// a layer's per-filter statistics.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/maps/normalization.h"
#include "core/model/image_input.h"
#include "core/model/model.h"

namespace actscope {

// {"name": "actscope", "version": ...}
nlohmann::json tool_entry();

// `path` made absolute, as manifests record the files they name.
std::string absolute_path(const std::string& path);

// The lowercase hex sha256 of the file at `path`; "" when it cannot be read.
std::string file_sha256(const std::string& path);

// {"path": absolute_path(path), "sha256": file_sha256(path)}.
nlohmann::json file_entry(const std::string& path);
// The model a manifest describes: its path and the SHA-256 of the bytes it
// was loaded from (Model::sha256), not of whatever the path holds now.
nlohmann::json model_entry(const Model& model);

// The image a manifest describes: its file (file_entry(path)), or for an
// image of an IDX dataset, which has no file of its own, {"dataset": the
// dataset's absolute path, "index": its index, "name", "width", "height",
// "pixels_sha256": the sha256 of its RGB pixels as shown, row by row}.
nlohmann::json image_entry(const InputImage& image, const std::string& path);

// Every filter's raw statistics as a JSON array of objects: index, min,
// max, mean, zero_fraction, and non_finite where NaN/Inf values were found
// (json_text writes a value that is not finite as null).
nlohmann::json filter_entries(const NormalizedMaps& maps);

}  // namespace actscope
