// The true classes of loose images, from the `samples.json` next to them:
// {"samples": [{"file": "x.png", "true_class": 3}, ...]} (the bundled
// samples have one). Lets the desktop program mark misclassified images and
// propose comparison partners without a whole dataset.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace actscope {

// File name -> true class, read from `folder`/samples.json. Empty when the
// file is absent or is not such a list; entries without a string "file" and
// an integer "true_class" are skipped. Never throws; any thread.
std::map<std::string, int> read_samples_file(const std::filesystem::path& folder);

}  // namespace actscope
