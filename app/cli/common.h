// What every subcommand of actscope-cli shares: the model and normalization
// flags (--input-size, --channels, --mean, --std, --threads), loading the
// model with them, the exit codes, error messages on stderr and the progress
// line of long calls.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/model/image_input.h"
#include "core/model/model.h"
#include "core/model/model_card.h"

namespace CLI {
class App;
}

namespace actscope::cli {

// Exit codes: 0 success, 1 a failure (bad file, unknown layer, ...), 2 bad usage.
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Flags every subcommand that runs a model takes.
struct CommonFlags {
  CardOverrides card;  // overrides of the model card; empty: the card as it is
  int threads = 0;     // intra-op threads; 0: all cores

  // Adds the flags to `command`, which writes them into this object (which
  // must outlive the parse).
  void add_to(CLI::App* command);
};

// Loads the model at `path` and applies `flags`. With `card_required`, a model
// whose input size is still unknown is an error that says what to type.
// Returns the model or an error naming `path`.
Result<std::unique_ptr<Model>> load_for_cli(const std::string& path, const CommonFlags& flags,
                                            bool card_required);

// load_image for the command line: a file the decoder reads but that is not
// whole or well-formed (a JPEG cut short, stray bytes) loads, with
// "warning: <file>: <what>" on stderr.
Result<InputImage> read_image(const std::string& path, const ModelCard& card);

// Every subcommand treats --out alike: an output folder is made when
// missing, with its parents, and so is the folder of an output file. Errors
// name the folder and the cause (a regular file in the way, no permission).
Status make_output_folder(const std::string& folder);
Status make_output_parent(const std::string& file);

// The part of a dataset a run takes: index of count.
struct Shard {
  int index = 0;
  int count = 1;
};

// "k/N" from `flag` (--shard); else a Slurm array task's position among the
// array's tasks; else a Kubernetes Indexed Job's index of `shards` (--shards);
// else the whole dataset. Errors say which flag or variable is wrong.
Result<Shard> resolve_shard(const std::string& flag, int shards);

// Writes `bytes` as `folder`/`name` (the folder made when missing) through a
// temporary file renamed into place, and says so on stderr. Returns 0, or
// kExitFailure after printing why.
int write_output_file(const std::string& folder, const std::string& name, const std::string& bytes);

// "Y,X" (--unit) as two non-negative integers; an error saying what to type.
Result<std::pair<int64_t, int64_t>> parse_unit(const std::string& text);

// Prints "error: <message>" on stderr; returns kExitFailure.
int fail(const std::string& message);
// Prints "error: <message>" on stderr; returns kExitUsage.
int usage_error(const std::string& message);

// Checks requested layer names; returns an error naming the closest layers
// of the first unknown one.
Status check_layer_names(const Model& model, const std::vector<std::string>& names);

// A progress line on stderr, shown once the work has taken over a second.
class ProgressLine {
 public:
  // `what` starts the line ("writing layer 3/12"); `quiet` shows nothing.
  explicit ProgressLine(bool quiet, std::string what = "writing layer");
  ~ProgressLine() { finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Ends the line, so that later messages start on their own.
  void finish();
  // Shows (done, total); returns true (never cancels).
  bool operator()(size_t done, size_t total);
  // This line as a progress callback; valid while this object lives.
  std::function<bool(size_t done, size_t total)> callback();

 private:
  bool quiet_;
  std::string what_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace actscope::cli
