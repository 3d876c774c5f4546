#pragma once
// The simulator's write-time log (SimOptions::write_log, `llmbench sim --write-log FILE`):
// when it really wrote each token of each streamed chat reply, the reference a client's
// timings are checked against (benchmarks/stream_fidelity).
//
// One JSON line per streamed request, appended when the request ends (so logging never
// delays a token):
//   {"request_id":"r-17","received_ns":N,"scheduled_ns":N,"token_ns":[N,...],"complete":true}
// - request_id: the request's X-Request-Id header, else "sim-<n>" (n counts from 1).
// - received_ns: when the request's last bytes arrived (the kernel's receive time).
// - scheduled_ns: when the reply was scheduled, once a worker had read the request and chosen
//   the answer; the pacing schedule counts from it. scheduled_ns - received_ns is the
//   simulator's own delay (waiting for a worker, choosing the answer).
// - token_ns: for each SSE event carrying a token (reasoning or content), in order, when the
//   write() that sent it returned. Tokens sent at once (no --tokens-per-s) share one time.
// - complete: false when the stream was cut short (a truncate fault, a gone client, stop()).
// Times are std::chrono::steady_clock nanoseconds, which on Linux is CLOCK_MONOTONIC: the
// same clock in every process of one machine (Python's time.monotonic_ns, clock_gettime),
// so a client on the same host can compare its own monotonic times with these.
//
// Thread-safe: handlers on any thread append; lines are flushed on flush() and when the
// log is destroyed.

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace llmbench::sim {

// What one streamed request's writes were, gathered while it is served.
struct StreamWrites {
  std::string request_id;
  std::chrono::steady_clock::time_point received;
  std::chrono::steady_clock::time_point scheduled;
  std::vector<std::chrono::steady_clock::time_point> tokens;
  bool complete = false;
};

class WriteLog {
 public:
  // Creates (truncates) `path`. Throws Error naming the path if it cannot.
  explicit WriteLog(const std::string& path);
  ~WriteLog();
  WriteLog(const WriteLog&) = delete;
  WriteLog& operator=(const WriteLog&) = delete;

  void append(const StreamWrites& writes);
  void flush();

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
};

}  // namespace llmbench::sim
