#include "llmbench/run/preflight.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "llmbench/http/executor.hpp"
#include "llmbench/http/retry.hpp"
#include "llmbench/run/interrupt.hpp"
#include "llmbench/run/progress.hpp"

namespace llmbench::run {

std::string unavailable_reason(const run::CheckResult& check) {
  return fmt::format("{}: {}", to_string(check.outcome), check.hint);
}

namespace {

// The request outcome a failed check stands for, when the wire or the server failed it; nullopt
// for a check the server refused (a bad key, an unknown model) or answered with another error
// status after the check's own retries: that is its considered reply, not a passing state.
std::optional<http::Outcome> wire_or_server_outcome(const run::CheckResult& check) {
  switch (check.outcome) {
    case run::CheckOutcome::timeout: return http::Outcome::timeout;
    case run::CheckOutcome::unreachable: return http::Outcome::connect;
    case run::CheckOutcome::rate_limited: return http::Outcome::rate_limited;
    case run::CheckOutcome::error:
      if (check.http_status == 0) return http::Outcome::connect;  // the wire (a parse, a drop)
      if (check.http_status >= 500) return http::Outcome::http_status;
      return std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

bool transient(const run::CheckResult& check) {
  const std::optional<http::Outcome> outcome = wire_or_server_outcome(check);
  return outcome && http::resend_may_fix(*outcome, check.http_status);
}

PreflightResult preflight(const ModelMatrix& models, const config::Registry& registry, const RunOptions& options,
                          const std::string& label) {
  struct Check {
    std::string who;  // "<role>/<id>"
    const config::ResolvedModel* model = nullptr;
    std::optional<run::CheckResult> result;
  };
  std::vector<Check> checks;
  std::set<std::string> asked;
  for (config::Role role : config::kAllRoles) {
    for (const auto& m : role_models(models, role)) {
      std::string who = fmt::format("{}/{}", config::to_string(role), m.id);
      if (asked.insert(who).second) checks.push_back({std::move(who), &m, std::nullopt});
    }
  }
  if (models.safety_judge) {
    std::string who = fmt::format("judge/{}", models.safety_judge->id);
    if (asked.insert(who).second) checks.push_back({std::move(who), &*models.safety_judge, std::nullopt});
  }

  // Like any request of the run: its retries, timeout, caps and provider limits; but one
  // transient failure never disables a model for the whole run, even with --retries 0.
  http::ExecutorOptions eo;
  eo.concurrency = options.concurrency;
  eo.retries = std::max(options.retries, kMinCheckRetries);
  eo.timeout_s = options.timeout_s;
  eo.max_response_bytes = static_cast<std::size_t>(options.max_response_bytes);
  eo.max_retry_wait_s = options.max_retry_wait_s;
  eo.seed = options.sample_seed;
  eo.stop_grace_s = 0;  // Ctrl-C ends the check at once: no answer of it is worth waiting for
  http::Executor executor(eo);
  for (const Check& c : checks) executor.set_provider_limits(c.model->endpoint.provider, c.model->limits);

  run::CheckOptions check_options;
  check_options.timeout_s = options.timeout_s;
  check_options.retries = eo.retries;
  CheckProgress progress;
  progress.total = checks.size();
  for (Check& c : checks) {
    progress.waiting.push_back(c.model->id);
    executor.submit(run::check_request(*c.model), [&, check = &c](http::RequestRecord&& record) {
      if (record.outcome == http::Outcome::cancelled) return;  // stopped: it stays "waiting on"
      check->result = run::check_result(registry, *check->model, record, check_options);
      ++(check->result->outcome == run::CheckOutcome::ok ? progress.ok : progress.failed);
    });
  }
  ProgressDisplay display(options.progress, label);
  const auto start = std::chrono::steady_clock::now();
  auto elapsed_s = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  executor.on_progress([&](const http::ExecutorStats& stats) {
    progress.waiting.clear();
    for (const Check& c : checks) {
      if (!c.result) progress.waiting.push_back(c.model->id);
    }
    progress.retries = stats.retries;
    display.update_status(format_check_progress(progress, elapsed_s()));
  });
  PreflightResult out;
  {
    InterruptGuard guard(executor);
    executor.run();
    out.interrupted = guard.interrupted();
  }
  progress.waiting.clear();
  for (const Check& c : checks) {
    if (!c.result) progress.waiting.push_back(c.model->id);
  }
  display.finish_status(format_check_progress(progress, elapsed_s()));
  if (out.interrupted) return out;
  for (const Check& c : checks) {
    if (c.result && c.result->outcome != run::CheckOutcome::ok) out.unavailable.emplace(c.who, *c.result);
  }
  return out;
}

}  // namespace llmbench::run
