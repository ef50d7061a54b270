#include "core/model/model.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <mutex>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <ATen/Parallel.h>
#include <torch/script.h>
#include <opencv2/core.hpp>

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include "core/io/file_bytes.h"
#include "core/io/sha256.h"
#include "core/io/zip_directory.h"
#include "core/model/model_impl.h"
#include "core/model/torch_bridge.h"
#include "core/model/torchscript_archive.h"

namespace actscope {
namespace {

// 0 until set: the first load then uses every core (LibTorch starts with 1).
std::atomic<int> requested_threads{0};

// A capture keeps every layer's output alive until the caller drops it, so
// each run allocates tens of megabytes at once. glibc's default is to hand
// such blocks back to the kernel on free and fault them in again on the next
// run (measured: capture/forward 1.2 instead of 1.05 on resnet18). Keep them.
//
// OpenCV's own thread pool (TBB here) spins after each small parallel call
// and fights LibTorch's OpenMP threads for the cores (measured: a capture
// after an export took 1.3 s instead of 27 ms). The engine parallelizes
// image work per layer itself, so OpenCV runs single-threaded.
void configure_process_for_engine() {
  static std::once_flag once;
  std::call_once(once, [] {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
    cv::setNumThreads(0);
  });
}

// A .pt file of more than this is not read (LibTorch would hold all of it too).
constexpr uint64_t kMaxModelBytes = uint64_t{64} << 30;

// LibTorch's reader over the bytes read once: every read bounded by them.
class ArchiveBytes final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit ArchiveBytes(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}
  size_t size() const override { return bytes_->size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/ = "") const override {
    if (pos >= bytes_->size()) return 0;
    n = static_cast<size_t>(std::min<uint64_t>(n, bytes_->size() - pos));
    std::memcpy(buf, bytes_->data() + pos, n);
    return n;
  }

 private:
  std::shared_ptr<const std::string> bytes_;
};

// LibTorch's own reader (PyTorchStreamReader, miniz) must list the entries
// the check listed, with their data where the check found it; otherwise the
// check looked at another archive than the one LibTorch would load.
Status same_entries_as_libtorch(const std::shared_ptr<ArchiveBytes>& bytes, const std::vector<ZipEntry>& checked,
                                const std::string& path) {
  const Error disagree{path + ": damaged TorchScript archive (LibTorch's zip reader sees other entries than its "
                              "zip directory lists)"};
  caffe2::serialize::PyTorchStreamReader reader(bytes);
  const std::vector<std::string> records = reader.getAllRecords();
  if (records.size() != checked.size()) return disagree;
  const size_t folder = checked.front().name.find('/') + 1;
  for (const ZipEntry& entry : checked) {
    const std::string name = entry.name.substr(folder);
    if (!reader.hasRecord(name) || reader.getRecordOffset(name) != entry.data_offset) return disagree;
  }
  return Done{};
}

// Reads the file once; checks its zip directory and layout, then that
// LibTorch's reader sees the same entries; loads the module from those bytes.
Result<torch::jit::Module> load_archive(const std::string& path, torch::jit::ExtraFilesMap& extra,
                                        std::shared_ptr<const std::string>& bytes_read) {
  auto bytes = read_file_bytes(path, kMaxModelBytes);
  if (!bytes) return Error{bytes.error()};
  bytes_read = std::make_shared<const std::string>(std::move(bytes).value());
  auto entries = check_torchscript_archive_bytes(*bytes_read, path);
  if (!entries) return Error{entries.error()};
  try {
    const auto adapter = std::make_shared<ArchiveBytes>(bytes_read);
    if (auto same = same_entries_as_libtorch(adapter, entries.value(), path); !same) return Error{same.error()};
    return torch::jit::load(std::static_pointer_cast<caffe2::serialize::ReadAdapterInterface>(adapter), torch::kCPU,
                            extra);
  } catch (const c10::Error& e) {
    return Error{path + ": damaged or truncated TorchScript archive (" + first_line(e.what()) + ")"};
  } catch (const std::exception& e) {
    return Error{path + ": cannot load the TorchScript archive (" + first_line(e.what()) + ")"};
  }
}

// forward(self, x: Tensor) is what the engine can drive.
Status check_forward(const torch::jit::Module& module, const std::string& path) {
  auto forward = module.find_method("forward");
  if (!forward) return Error{path + ": the model has no forward() method"};
  const auto& arguments = forward->function().getSchema().arguments();
  if (arguments.size() != 2 || !arguments[1].type()->isSubtypeOf(*c10::TensorType::get())) {
    std::ostringstream signature;
    signature << forward->function().getSchema();
    return Error{path + ": forward() must take exactly one tensor; its signature is " + signature.str()};
  }
  return Done{};
}

Result<ModelCard> read_sidecar(const std::string& path, bool& found) {
  found = false;
  for (const auto& candidate : sidecar_card_paths(path)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(candidate, ec)) continue;  // a folder of that name is no card
    std::ifstream file(candidate);
    if (!file) continue;
    found = true;
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    return parse_model_card(text, candidate, std::filesystem::path(candidate).parent_path().string());
  }
  return ModelCard{};
}

}  // namespace

std::optional<torch::Tensor> first_tensor(const c10::IValue& output) {
  if (output.isTensor()) return output.toTensor();
  if (output.isTuple() && !output.toTupleRef().elements().empty()) {
    return first_tensor(output.toTupleRef().elements()[0]);
  }
  if (output.isList() && !output.toListRef().empty()) return first_tensor(output.toListRef()[0]);
  if (output.isGenericDict()) {
    auto dict = output.toGenericDict();
    for (const auto& entry : dict) {
      if (entry.key().isString() && entry.key().toStringRef() == "logits") return first_tensor(entry.value());
    }
    for (const auto& entry : dict) {
      if (auto tensor = first_tensor(entry.value())) return tensor;
    }
  }
  return std::nullopt;
}

Result<torch::Tensor> stack_inputs(const std::vector<InputImage>& images, size_t first, size_t count,
                                   const ModelCard& card) {
  const int64_t plane = int64_t{card.channels} * card.height * card.width;
  torch::Tensor batch = torch::empty({static_cast<int64_t>(count), card.channels, card.height, card.width});
  for (size_t i = 0; i < count; ++i) {
    const auto& tensor = images[first + i].tensor;
    if (static_cast<int64_t>(tensor.size()) != plane) {
      return Error{images[first + i].name + ": image was prepared for another input size"};
    }
    std::copy(tensor.begin(), tensor.end(), batch.data_ptr<float>() + i * plane);
  }
  return batch;
}

Result<FloatArray> Model::logits(const FloatArray& batch) const {
  if (on_gui_thread()) return gui_thread_refusal(impl_->path);
  if (batch.dim() != 4) return Error{"the input batch must be [N, C, H, W]"};
  c10::InferenceMode inference;
  try {
    // A copy: a model may write into its input, and `batch` is the caller's.
    auto output = first_tensor(impl_->module.forward({view_as_tensor(batch).clone()}));
    if (!output || output->dim() != 2 || output->size(0) != batch.shape()[0] || output->size(1) == 0)
      return Error{impl_->path + ": forward() did not return [batch, classes] logits"};
    return to_float_array(output->to(torch::kFloat32).contiguous());
  } catch (const std::exception& e) {
    return Error{impl_->path + ": the model failed to run (" + first_line(e.what()) + ")"};
  }
}

Result<FloatArray> Model::Impl::batch_of(const std::vector<InputImage>& images) const {
  if (card.channels == 0) return Error{path + ": the model has no card; input size is unknown"};
  if (images.empty()) return Error{"no images to run"};
  auto batch = stack_inputs(images, 0, images.size(), card);
  if (!batch) return Error{batch.error()};
  return to_float_array(batch.value());
}

void set_thread_count(int threads) {
  const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  requested_threads = threads > 0 ? threads : all;
  at::set_num_threads(requested_threads);
}

int thread_count() { return at::get_num_threads(); }

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

Result<std::unique_ptr<Model>> Model::load(const std::string& path) {
  if (requested_threads == 0) set_thread_count(0);
  configure_process_for_engine();
  torch::jit::ExtraFilesMap extra{{"actscope.json", ""}};
  std::shared_ptr<const std::string> bytes;
  auto module = load_archive(path, extra, bytes);
  if (!module) return Error{module.error()};
  if (auto forward = check_forward(module.value(), path); !forward) return Error{forward.error()};

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->sha256 = std::async(std::launch::async, [bytes] { return sha256_hex(*bytes); }).share();
  impl->module = std::move(module).value();
  impl->module.eval();  // scripted graphs read self.training at run time
  // The engine never trains: without parameters that require grad, a CAM's
  // forward records autograd only from its layers on (see CaptureGraph).
  for (const torch::Tensor& parameter : impl->module.parameters()) parameter.requires_grad_(false);
  if (!extra["actscope.json"].empty()) {
    auto card = parse_model_card(extra["actscope.json"], path + ":actscope.json",
                                 std::filesystem::path(path).parent_path().string());
    if (!card) return Error{card.error()};
    impl->card = std::move(card).value();
    impl->card_source = CardSource::kEmbedded;
  } else {
    bool found = false;
    auto card = read_sidecar(path, found);
    if (!card) return Error{card.error()};
    if (found) {
      impl->card = std::move(card).value();
      impl->card_source = CardSource::kSidecar;
    }
  }
  if (impl->card_source != CardSource::kNone && impl->card.name.empty()) {
    impl->card.name = std::filesystem::path(path).stem().string();
  }
  impl->analyse();
  if (impl->card_source != CardSource::kNone) impl->probe_shapes();
  return std::unique_ptr<Model>(new Model(std::move(impl)));
}

const std::string& Model::path() const { return impl_->path; }

const std::string& Model::sha256() const { return impl_->sha256.get(); }
const ModelCard& Model::card() const { return impl_->card; }
CardSource Model::card_source() const { return impl_->card_source; }

void Model::set_card(ModelCard card) {
  if (card.name.empty()) card.name = std::filesystem::path(impl_->path).stem().string();
  impl_->card = std::move(card);
  impl_->card_source = CardSource::kUser;
  impl_->probe_shapes();
}

Result<std::vector<std::vector<float>>> Model::logits(const std::vector<InputImage>& images,
                                                      int batch_size) const {
  const ModelCard& card = impl_->card;
  if (card.channels == 0) return Error{impl_->path + ": the model has no card; input size is unknown"};
  std::vector<std::vector<float>> result;
  result.reserve(images.size());
  const size_t step = static_cast<size_t>(std::max(batch_size, 1));
  for (size_t first = 0; first < images.size(); first += step) {
    auto batch = stack_inputs(images, first, std::min(images.size() - first, step), card);
    if (!batch) return Error{batch.error()};
    auto scores = logits(to_float_array(batch.value()));
    if (!scores) return Error{scores.error()};
    const int64_t classes = scores.value().shape()[1];
    for (int64_t i = 0; i < scores.value().shape()[0]; ++i) {
      const float* row = scores.value().data() + i * classes;
      if (!all_finite(row, classes)) return Error{non_finite_logits(impl_->path, images[first + i].name)};
      result.emplace_back(row, row + classes);
    }
  }
  return result;
}

bool all_finite(const float* values, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) return false;
  }
  return true;
}

std::string non_finite_logits(const std::string& model_path, const std::string& image) {
  return model_path + ": forward() returned NaN or Inf logits for " + image +
         " (the model has diverged or overflows): there is no class to report";
}

std::vector<ClassScore> top_classes(const std::vector<float>& logits, int k) {
  if (logits.empty()) return {};
  const float max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<double> exps(logits.size());
  double total = 0.0;
  for (size_t i = 0; i < logits.size(); ++i) total += exps[i] = std::exp(double{logits[i]} - max_logit);
  std::vector<int> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t count = std::min(order.size(), static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(order.begin(), order.begin() + count, order.end(),
                    [&](int a, int b) { return logits[a] > logits[b]; });
  std::vector<ClassScore> top;
  for (size_t i = 0; i < count; ++i) top.push_back({order[i], static_cast<float>(exps[order[i]] / total)});
  return top;
}

}  // namespace actscope
