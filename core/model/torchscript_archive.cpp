#include "core/model/torchscript_archive.h"

#include <vector>

#include "core/io/zip_directory.h"

namespace actscope {
namespace {

bool starts_with_zip_header(std::string_view head) { return head.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

Error not_an_archive(const std::string& path) {
  return Error{path +
               ": not a TorchScript archive (expected a file written by torch.jit.save; "
               "files from torch.save hold weights, not a runnable model)"};
}

// LibTorch names the archive by the first entry's folder and reads every
// record under it.
Status check_layout(const std::vector<ZipEntry>& entries, const std::string& path) {
  const std::string damaged = path + ": damaged or truncated TorchScript archive (";
  if (entries.empty()) return Error{damaged + "the zip archive is empty)"};
  const auto slash = entries.front().name.find('/');
  if (slash == std::string::npos || slash == 0) return Error{damaged + "its files are not in one folder)"};
  const std::string folder = entries.front().name.substr(0, slash + 1);
  bool data = false, constants = false, legacy = false;
  for (const auto& entry : entries) {
    if (entry.name.compare(0, folder.size(), folder) != 0)
      return Error{damaged + entry.name + " lies outside the archive's folder " + folder + ")"};
    const std::string_view inner = std::string_view(entry.name).substr(folder.size());
    data = data || inner == "data.pkl";
    constants = constants || inner == "constants.pkl";
    legacy = legacy || inner == "model.json";  // before PyTorch 1.4: LibTorch decides
  }
  if (data && !constants) {
    return Error{path +
                 ": holds no TorchScript program: it is a torch.save file (weights or a pickled "
                 "model); export the model with torch.jit.script or torch.jit.trace and torch.jit.save"};
  }
  if (!data && !legacy) return Error{damaged + "it has no " + folder + "data.pkl)"};
  return Done{};
}

Result<std::vector<ZipEntry>> check_directory(Result<std::vector<ZipEntry>> entries, const std::string& path) {
  if (!entries) return Error{path + ": damaged or truncated TorchScript archive (" + entries.error() + ")"};
  if (auto layout = check_layout(entries.value(), path); !layout) return Error{layout.error()};
  return entries;
}

}  // namespace

Result<std::vector<ZipEntry>> check_torchscript_archive_bytes(std::string_view bytes, const std::string& path) {
  if (!starts_with_zip_header(bytes)) return not_an_archive(path);
  return check_directory(read_zip_directory_of_bytes(bytes), path);
}

}  // namespace actscope
