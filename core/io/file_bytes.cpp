#include "core/io/file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace actscope {
namespace {

// Closes the descriptor however the read ends.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string size_text(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30) && bytes % (uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (uint64_t{1} << 20) && bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Result<std::string> read_file_bytes(const std::string& path, uint64_t most_bytes) {
  const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Error{path + ": no such file"};
    return Error{path + ": cannot be opened (" + std::strerror(errno) + ")"};
  }
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) return Error{path + ": cannot be read (" + std::strerror(errno) + ")"};
  if (S_ISDIR(status.st_mode)) return Error{path + ": is a folder, not a file"};
  const bool regular = S_ISREG(status.st_mode);
  if (regular && static_cast<uint64_t>(status.st_size) > most_bytes)
    return Error{path + ": the file is larger than " + size_text(most_bytes) + ", more than is read"};
  std::string bytes;
  bytes.resize(regular ? static_cast<size_t>(status.st_size) : size_t{1} << 16);
  size_t done = 0;
  for (;;) {
    if (done == bytes.size()) {
      if (regular) break;  // as large as it was when opened
      if (bytes.size() > most_bytes)
        return Error{path + ": the file is larger than " + size_text(most_bytes) + ", more than is read"};
      bytes.resize(std::min<uint64_t>(bytes.size() * 2, most_bytes + 1));
    }
    const ssize_t got = ::read(file.fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Error{path + ": cannot be read (" + std::strerror(errno) + ")"};
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace actscope
