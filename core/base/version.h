// The program's version and where its bundled resources live.
#pragma once

#include <string>

namespace actscope {

// "MAJOR.MINOR.PATCH", from the CMake project version.
std::string version();

// The versions of the engine's libraries this program was built with.
struct LibraryVersions {
  std::string torch;   // LibTorch, e.g. "1.13.0"
  std::string opencv;  // e.g. "4.6.0"
};
LibraryVersions library_versions();

// The folder holding models/ and samples/: ACTSCOPE_RESOURCE_DIR from the
// environment when set, else `../share/actscope` from the running program's
// folder when it holds the bundled model (an installed or relocated copy),
// else the source tree's resources/ (the build tree).
std::string resource_dir();

// resource_dir() + "/models/fashion_cnn.pt".
std::string bundled_model_path();

// resource_dir() + "/samples".
std::string bundled_samples_dir();

// resource_dir() + "/labels/imagenet_classes.txt": the 1,000 ImageNet class
// names as torchvision names them, one per line.
std::string imagenet_labels_path();

}  // namespace actscope
