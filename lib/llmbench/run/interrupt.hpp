#pragma once
// Ctrl-C (SIGINT) and SIGTERM while an executor runs: the first stops scheduling (requests in
// flight get the executor's stop grace to finish, and the caller saves what it has); a second
// exits the process at once with code 130, leaving journals as they are (resumable).

#include <csignal>

#include "llmbench/http/executor.hpp"

namespace llmbench::run {

// Installs the handlers for its lifetime; one guard at a time per process.
class InterruptGuard {
 public:
  explicit InterruptGuard(http::Executor& executor);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  bool interrupted() const;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace llmbench::run
