#pragma once
// The check before a run: run::check_request() (the request `models test` sends) to every
// distinct (role, model) of the matrix at once, retried like any request of the run (its
// --retries, at least kMinCheckRetries; --timeout; provider limits), with the check's progress shown on stderr. Ctrl-C
// stops it at once: nothing of the run has been sent yet.

#include <map>
#include <string>

#include "llmbench/config/registry.hpp"
#include "llmbench/run/model_check.hpp"
#include "llmbench/run/model_matrix.hpp"
#include "llmbench/run/options.hpp"

namespace llmbench::run {

struct PreflightResult {
  std::map<std::string, run::CheckResult> unavailable;  // "<role>/<id>" -> its failed check
  bool interrupted = false;                                // Ctrl-C (or SIGTERM) during the check
};

// Retries of the check when --retries asks for fewer.
inline constexpr int kMinCheckRetries = 2;

// Checks every model of `models` (embedded simulators already started), the safety judge as
// "judge/<id>". `label` prefixes the
// progress line ("run <id>").
PreflightResult preflight(const ModelMatrix& models, const config::Registry& registry, const RunOptions& options,
                          const std::string& label);

// "<outcome>: <hint>" of a failed check, e.g. "bad key: check KEY (set in .env:2)".
std::string unavailable_reason(const run::CheckResult& check);

// True when sending the check again may pass without anyone changing anything: a timeout, an
// unreachable server, a rate limit, a 5xx (not a bad key, an unknown model or another 4xx).
bool transient(const run::CheckResult& check);

}  // namespace llmbench::run
