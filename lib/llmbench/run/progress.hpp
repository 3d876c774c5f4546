#pragma once
// The live progress line of a run, on stderr: done/total, items/s, ETA, errors by kind,
// requests retrying and their back-off, and providers that are backing off (or waiting for the
// reset of a budget they announced spent). `bar` redraws one
// line cut to the terminal's width (terminals only); `plain` prints a line every few seconds
// (logs, CI); `none` is silent. `auto` picks bar on a terminal. Colour is used only on a
// terminal and never when NO_COLOR is set. The same display shows the model check before a
// run (update_status).

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
  std::uint64_t done = 0;   // items with a record, `kept` included
  std::uint64_t total = 0;
  std::uint64_t kept = 0;   // items finished before this session (--resume): not in items/s or ETA
  std::map<std::string, std::uint64_t> errors;  // error kind -> items
  std::vector<http::ProviderWait> backing_off;   // providers waiting on a rate limit, and how long
  std::uint64_t retrying = 0;                    // requests backing off before, or sending, a retry
  double retry_wait_s = 0;                       // the longest back-off left among them

  // Takes the executor's view: backing_off, retrying, retry_wait_s.
  void take(const http::ExecutorStats& stats);
};

// Formats one progress line (no colour, no carriage return, no control character); pure.
// `elapsed_s` is this session's time: items/s and ETA count only this session's items.
std::string format_progress(const ProgressSnapshot& snapshot, double elapsed_s);

// The model check before a run, as it goes.
struct CheckProgress {
  std::size_t total = 0;  // models checked
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::vector<std::string> waiting;  // models with no answer yet
  std::uint64_t retries = 0;
};

// "checking 3 models: 1/3 ok, waiting on sim-b, sim-c (12s)", then "checked 3 models: 3/3 ok";
// no control character; pure.
std::string format_check_progress(const CheckProgress& progress, double elapsed_s);

// "Requests: 657 done (30 from the cache), 1143 cancelled, 12 failed, 40 retries" (cancelled and
// failed only when there are any; with `kept_items`, "; N items kept from before the resume"):
// done answered (ok or cut off), cancelled were stopped by Ctrl-C, failed ended in an error.
std::string format_request_counts(const http::ExecutorStats& stats, std::uint64_t kept_items);

// `text` cut to at most `columns` code points (one column each), the last being "…" when cut.
std::string fit_columns(const std::string& text, std::size_t columns);

class ProgressDisplay {
 public:
  ProgressDisplay(Progress mode, std::string label, std::FILE* out = stderr);
  // Shows the snapshot if enough time has passed since the last line (bar: 100 ms, plain: 5 s).
  void update(const ProgressSnapshot& snapshot);
  // Prints the final line and a newline (bar and plain).
  void finish(const ProgressSnapshot& snapshot);
  // The same for a line that is not an item count (the model check).
  void update_status(const std::string& text);
  void finish_status(const std::string& text);
  // Restarts the clock of items/s and ETA (after the model check).
  void restart_clock();
  // The words that open every line from now on ("perf <run id> level 2: concurrency 8").
  void set_label(std::string label) { label_ = std::move(label); }

 private:
  bool due();
  void draw(const std::string& text, const ProgressSnapshot* snapshot);
  double elapsed_s() const;

  Progress mode_;
  std::string label_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drew_ = false;
  std::size_t last_width_ = 0;  // bar: columns of the line drawn last (erased by the next)
};

}  // namespace llmbench::run
