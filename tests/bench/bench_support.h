// Timing helpers shared by the benchmark programs.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace actscope::bench {

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Milliseconds `run` takes.
template <typename F>
double time_ms(F&& run) {
  const auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The one line of JSON a child program (a Python benchmark) prints on
// stdout, or null when it fails to run or prints something else.
inline nlohmann::json child_json(const std::string& command) {
  std::string output;
  if (FILE* child = popen(command.c_str(), "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof buffer, child)) output += buffer;
    pclose(child);
  }
  try {
    return nlohmann::json::parse(output);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace actscope::bench
