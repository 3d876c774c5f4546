#pragma once
// The live progress line of a run, on stderr: done/total, items/s, ETA, errors by kind and
// providers that are backing off. `bar` redraws one line (terminals only); `plain` prints a
// line every few seconds (logs, CI); `none` is silent. `auto` picks bar on a terminal.
// Colour is used only on a terminal and never when NO_COLOR is set.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "llmbench/http/executor.hpp"
#include "llmbench/run/options.hpp"

namespace llmbench::run {

struct ProgressSnapshot {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  std::map<std::string, std::uint64_t> errors;  // error kind -> items
  std::vector<http::ProviderWait> backing_off;   // providers waiting on a rate limit, and how long

};

// Formats one progress line (no colour, no carriage return, no control character); pure.
std::string format_progress(const ProgressSnapshot& snapshot, double elapsed_s);

class ProgressDisplay {
 public:
  ProgressDisplay(Progress mode, std::string label, std::FILE* out = stderr);
  // Shows the snapshot if enough time has passed since the last line (bar: 100 ms, plain: 5 s).
  void update(const ProgressSnapshot& snapshot);
  // Prints the final line and a newline (bar and plain).
  void finish(const ProgressSnapshot& snapshot);

 private:
  void draw(const ProgressSnapshot& snapshot);

  Progress mode_;
  std::string label_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drew_ = false;
};

}  // namespace llmbench::run
