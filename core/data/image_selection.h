// The images of a many-image run (actscope-cli cam and activations): image
// files named one by one or listed in a file, or images of a dataset chosen
// by index or because the model gets them wrong; and the unique name each
// one's outputs are written under. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace actscope {

struct SelectedImage {
  std::string source = "";     // the file path, or the dataset image's name ("t10k[42]")
  std::string stem = "";       // its outputs' name, unique in the run ("cat", "t10k_42", "cat_2")
  int64_t dataset_index = -1;  // index in the dataset; -1 for a file
  int true_class = -1;         // -1 when unknown
};

// Indices written "3,17,40-60" (ranges inclusive, spaces allowed), each
// below `count`, in the order written; repeats are dropped. Errors quote the
// part that is not an index or range, or name an index out of range.
Result<std::vector<int64_t>> parse_indices(const std::string& text, int64_t count);

// The image paths of a list file: one per line; blank lines and lines
// starting with '#' are skipped, surrounding spaces trimmed; relative paths
// are relative to the list's folder. Errors name the file.
Result<std::vector<std::string>> read_image_list(const std::string& path);

// The name outputs of `source` get: a file's stem ("photos/cat.jpg" ->
// "cat"), a dataset image's name with its brackets as '_' ("t10k[42]" ->
// "t10k_42"); characters other than letters, digits, '.', '-' and '_'
// become '_'.
std::string output_stem(const std::string& source);

// Gives every image its output_stem, then makes them unique in order: the
// second "cat" becomes "cat_2" (or "cat_3" when "cat_2" is taken), compared
// ignoring case, so that the files do not collide on any file system.
void assign_unique_stems(std::vector<SelectedImage>& images);

}  // namespace actscope
