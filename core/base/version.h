// The program's version and where its bundled resources live.
#pragma once

#include <string>

namespace actscope {

// "MAJOR.MINOR.PATCH", from the CMake project version.
std::string version();

// The folder holding models/ and samples/. ACTSCOPE_RESOURCE_DIR in the
// environment overrides the path compiled in from the source tree.
std::string resource_dir();

// resource_dir() + "/models/fashion_cnn.pt".
std::string bundled_model_path();

// resource_dir() + "/samples".
std::string bundled_samples_dir();

}  // namespace actscope
