#include "core/io/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/base/gui_thread.h"

namespace actscope {
namespace {

Status write_stream(const std::string& path, const std::string& bytes) {
  FILE* stream = std::fopen(path.c_str(), "wb");
  if (!stream) return Error{path + ": cannot write (" + std::strerror(errno) + ")"};
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), stream) == bytes.size();
  const int write_errno = errno;
  const bool closed = std::fclose(stream) == 0;
  if (!written || !closed) return Error{path + ": cannot write (" + std::strerror(written ? errno : write_errno) + ")"};
  return Done{};
}

}  // namespace

Status write_file_atomically(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  if (on_gui_thread()) return Error{path + ": not written: files are written on the engine worker, never on the GUI thread"};
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return Error{folder.string() + (fs::exists(folder, ec) ? ": not a folder" : ": no such folder")};
  }
  const fs::file_status status = fs::status(target, ec);
  if (fs::is_directory(status)) return Error{path + ": is a folder, not a file"};
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    // A device or a pipe (/dev/stdout, /dev/null, a FIFO): a stream has no
    // half-written file to hide, and renaming over it would replace the
    // device itself.
    return write_stream(path, bytes);
  }
  std::random_device random;
  const fs::path temporary = folder / ("." + target.filename().string() + ".tmp" + std::to_string(random()));
  FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) return Error{path + ": cannot write (" + std::strerror(errno) + ")"};
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    fs::remove(temporary, ec);
    return Error{path + ": cannot write (" + std::strerror(written ? errno : write_errno) + ")"};
  }
  fs::rename(temporary, target, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return Error{path + ": cannot replace the file (" + ec.message() + ")"};
  }
  return Done{};
}

}  // namespace actscope
