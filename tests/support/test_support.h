// Helpers shared by the tests: where fixtures and resources live, temporary
// folders that clean up after themselves, small file utilities, and the
// bundled model loaded.
#pragma once

#include <filesystem>
#include <vector>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace actscope {
class Model;
}

namespace actscope::test {

// The folder make_fixtures.py wrote (build tree); fails the test when the
// fixtures are missing, saying how to generate them.
std::filesystem::path fixture_dir();

// The fixture manifest (a list of models), parsed.
nlohmann::json fixture_manifest();

// The repository's resources/ folder, and the bundled model inside it.
std::filesystem::path resource_dir();
std::filesystem::path bundled_model();

// The bundled model, loaded; null, with the test failed, when it cannot be.
std::unique_ptr<Model> load_bundled_model();

// resources/samples/samples.json, parsed.
nlohmann::json samples_manifest();

// Debian's dataset-fashion-mnist folder.
std::filesystem::path fashion_mnist_dir();

// Copies the bundled samples into `dir` as a class-folder dataset: one
// sub-folder per true label ("Ankle boot", "T-shirt_top", ...).
void lay_out_samples_by_class(const std::filesystem::path& dir);

// A fresh empty folder, removed with its contents when this object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

// While it lives, no file of this process can grow past `bytes` (as `ulimit
// -f`): a write past it fails with EFBIG, as on a full disk, instead of the
// kernel's SIGXFSZ ending the process (ignored meanwhile, as both programs'
// mains do). Restores the limit and the signal's handler when it dies.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(unsigned long long bytes);
  ~FileSizeLimit();
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  unsigned long long soft_ = 0;
  void (*handler_)(int) = nullptr;
};

// Counts the times `file` is opened (inotify's IN_OPEN), by anyone, from
// now on: a loader that reads its file once, checking and decoding the same
// bytes, opens it once; one that checks and then opens the path again (and
// would read a file swapped in between) opens it twice.
class OpenCounter {
 public:
  explicit OpenCounter(const std::filesystem::path& file);
  ~OpenCounter();
  OpenCounter(const OpenCounter&) = delete;
  OpenCounter& operator=(const OpenCounter&) = delete;
  // The opens so far (the events are queued when open() returns).
  int opens();

 private:
  int fd_ = -1;
  int opens_ = 0;
};

// The files left in `dir` that are not whole: a temporary file of an atomic
// write, a PNG that does not decode or a JSON file that does not parse. Empty
// when every file there is whole.
std::vector<std::string> partial_files_in(const std::filesystem::path& dir);

}  // namespace actscope::test
