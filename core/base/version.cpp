#include "core/base/version.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <opencv2/core/version.hpp>
#include <torch/version.h>

namespace actscope {
namespace {

// `../share/actscope` beside the running program's folder when it holds the
// bundled model: an installed or relocated copy. Empty otherwise.
std::string installed_resource_dir() {
  std::error_code error;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const std::filesystem::path shared = program.parent_path().parent_path() / "share" / "actscope";
  return std::filesystem::exists(shared / "models" / "fashion_cnn.pt", error) ? shared.string() : std::string();
}

}  // namespace

std::string version() { return ACTSCOPE_VERSION; }

LibraryVersions library_versions() { return {TORCH_VERSION, CV_VERSION}; }

std::string resource_dir() {
  if (const char* overridden = std::getenv("ACTSCOPE_RESOURCE_DIR"); overridden && *overridden) {
    return overridden;
  }
  static const std::string installed = installed_resource_dir();
  return installed.empty() ? ACTSCOPE_RESOURCE_DIR : installed;
}

std::string bundled_model_path() { return resource_dir() + "/models/fashion_cnn.pt"; }

std::string bundled_samples_dir() { return resource_dir() + "/samples"; }

std::string imagenet_labels_path() { return resource_dir() + "/labels/imagenet_classes.txt"; }

}  // namespace actscope
