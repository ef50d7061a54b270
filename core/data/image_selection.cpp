#include "core/data/image_selection.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace actscope {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// A non-negative decimal integer filling `text`, or -1.
int64_t whole_number(const std::string& text) {
  if (text.empty() || text.size() > 15) return -1;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return -1;
  return std::stoll(text);
}

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

Result<std::vector<int64_t>> parse_indices(const std::string& text, int64_t count) {
  std::vector<int64_t> indices;
  std::set<int64_t> seen;
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    const std::string item = trimmed(part);
    const auto dash = item.find('-');
    const int64_t first = whole_number(trimmed(item.substr(0, dash)));
    const int64_t last = dash == std::string::npos ? first : whole_number(trimmed(item.substr(dash + 1)));
    if (first < 0 || last < 0 || last < first) {
      return Error{"'" + item + "' in --indices is not an index or a range such as 40-60"};
    }
    if (last >= count) {
      return Error{"index " + std::to_string(last) + " in --indices is out of range: the dataset has " +
                   std::to_string(count) + " images (0.." + std::to_string(count - 1) + ")"};
    }
    for (int64_t i = first; i <= last; ++i) {
      if (seen.insert(i).second) indices.push_back(i);
    }
  }
  if (indices.empty()) return Error{"--indices lists no image"};
  return indices;
}

Result<std::vector<std::string>> read_image_list(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + ": no such file (the image list)"};
  std::ifstream file(path);
  if (!file) return Error{path + ": cannot be read"};
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::vector<std::string> images;
  std::string line;
  while (std::getline(file, line)) {
    const std::string entry = trimmed(line);
    if (entry.empty() || entry[0] == '#') continue;
    const std::filesystem::path image(entry);
    images.push_back(image.is_absolute() || folder.empty() ? entry : (folder / image).string());
  }
  if (images.empty()) return Error{path + ": lists no image (one path per line)"};
  return images;
}

std::string output_stem(const std::string& source) {
  std::string name = source;
  if (!name.empty() && name.back() == ']' && name.find('[') != std::string::npos) {
    name.pop_back();
    name[name.find('[')] = '_';
    name = std::filesystem::path(name).filename().string();
  } else {
    name = std::filesystem::path(name).stem().string();
  }
  std::string stem;
  for (char c : name) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    stem.push_back(kept ? c : '_');
  }
  if (stem.empty() || stem[0] == '.') stem.insert(stem.begin(), '_');
  return stem;
}

void assign_unique_stems(std::vector<SelectedImage>& images) {
  std::set<std::string> taken;  // lower case
  for (SelectedImage& image : images) {
    const std::string base = output_stem(image.source);
    std::string stem = base;
    for (int n = 2; taken.count(lowered(stem)); ++n) stem = base + "_" + std::to_string(n);
    taken.insert(lowered(stem));
    image.stem = stem;
  }
}

}  // namespace actscope
