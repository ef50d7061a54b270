#include "core/base/version.h"

#include <cstdlib>

namespace actscope {

std::string version() { return ACTSCOPE_VERSION; }

std::string resource_dir() {
  if (const char* overridden = std::getenv("ACTSCOPE_RESOURCE_DIR"); overridden && *overridden) {
    return overridden;
  }
  return ACTSCOPE_RESOURCE_DIR;
}

std::string bundled_model_path() { return resource_dir() + "/models/fashion_cnn.pt"; }

std::string bundled_samples_dir() { return resource_dir() + "/samples"; }

}  // namespace actscope
