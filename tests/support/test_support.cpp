#include "tests/support/test_support.h"

#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/model/model.h"

namespace actscope::test {

std::filesystem::path fixture_dir() {
  std::filesystem::path dir = ACTSCOPE_FIXTURE_DIR;
  if (!std::filesystem::exists(dir / "manifest.json")) {
    ADD_FAILURE() << "test fixtures are missing in " << dir
                  << "; generate them with: cmake --build build --target fixtures";
  }
  return dir;
}

nlohmann::json fixture_manifest() {
  const auto path = fixture_dir() / "manifest.json";
  if (!std::filesystem::exists(path)) return nlohmann::json::array();
  return nlohmann::json::parse(read_file(path));
}

std::filesystem::path resource_dir() { return std::filesystem::path(ACTSCOPE_SOURCE_DIR) / "resources"; }

std::filesystem::path bundled_model() { return resource_dir() / "models" / "fashion_cnn.pt"; }

std::unique_ptr<Model> load_bundled_model() {
  auto loaded = Model::load(bundled_model().string());
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.error();
    return nullptr;
  }
  return std::move(loaded).value();
}

nlohmann::json samples_manifest() {
  return nlohmann::json::parse(read_file(resource_dir() / "samples" / "samples.json"));
}

std::filesystem::path fashion_mnist_dir() { return ACTSCOPE_FASHION_MNIST_DIR; }

void lay_out_samples_by_class(const std::filesystem::path& dir) {
  const nlohmann::json manifest = samples_manifest();  // outlives the loop
  for (const auto& sample : manifest["samples"]) {
    std::string folder = sample["true_label"].get<std::string>();
    std::replace(folder.begin(), folder.end(), '/', '_');  // "T-shirt/top"
    const std::string file = sample["file"].get<std::string>();
    std::filesystem::create_directories(dir / folder);
    std::filesystem::copy_file(resource_dir() / "samples" / file, dir / folder / file);
  }
}

TempDir::TempDir() {
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  do {
    path_ = base / ("actscope-test-" + std::to_string(random()));
  } while (!std::filesystem::create_directory(path_));
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

FileSizeLimit::FileSizeLimit(unsigned long long bytes) {
  handler_ = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit{};
  getrlimit(RLIMIT_FSIZE, &limit);
  soft_ = limit.rlim_cur;
  limit.rlim_cur = bytes;
  EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
}

FileSizeLimit::~FileSizeLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_FSIZE, &limit);
  limit.rlim_cur = soft_;
  setrlimit(RLIMIT_FSIZE, &limit);
  std::signal(SIGXFSZ, handler_);
}

std::vector<std::string> partial_files_in(const std::filesystem::path& dir) {
  std::vector<std::string> partial;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    const std::string extension = entry.path().extension().string();
    const std::string bytes = read_file(entry.path());
    bool whole = name.find(".tmp") == std::string::npos;
    if (whole && extension == ".png") whole = !cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()),
                                                          cv::IMREAD_UNCHANGED).empty();
    if (whole && extension == ".json") whole = nlohmann::json::accept(bytes);
    if (!whole) partial.push_back(entry.path().string());
  }
  return partial;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary);
  file << bytes;
}

OpenCounter::OpenCounter(const std::filesystem::path& file) {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0 || ::inotify_add_watch(fd_, file.c_str(), IN_OPEN) < 0) ADD_FAILURE() << "cannot watch " << file;
}

OpenCounter::~OpenCounter() {
  if (fd_ >= 0) ::close(fd_);
}

int OpenCounter::opens() {
  alignas(inotify_event) char events[4096];
  for (;;) {
    const ssize_t got = ::read(fd_, events, sizeof events);
    if (got <= 0) break;
    for (ssize_t at = 0; at < got;) {
      const auto* event = reinterpret_cast<const inotify_event*>(events + at);
      if (event->mask & IN_OPEN) ++opens_;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  return opens_;
}

}  // namespace actscope::test
