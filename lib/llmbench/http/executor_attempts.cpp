// The executor's attempts: starting one on a pooled easy handle, and what its end means:
// the verdict finishes the request, or retries it after a back-off, pausing or teaching the
// provider's limiter on the way; stalled attempts, a stop's cancellations, and the response
// cache's batches.
#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "llmbench/http/executor_impl.hpp"
#include "llmbench/http/openai.hpp"

namespace llmbench::http {

using detail::Attempt;
using detail::judge_transfer;
using detail::loggable_url;
using detail::ms_between;
using detail::Request;
using detail::seconds;
using detail::Verdict;

namespace {

constexpr auto kCacheBatchInterval = std::chrono::milliseconds(100);

}  // namespace

void Executor::Impl::start_attempt(Request* request, SteadyTime now) {
  ++request->attempts;
  ++in_flight;
  peak_in_flight = std::max(peak_in_flight, in_flight);
  if (request->attempts == 1) request->first_sent = now;
  Attempt* attempt = acquire_attempt();
  detail::begin_attempt(*request, *attempt, options, now);
  attempt->received_at = &received_at;
  if (request->api.streamed()) ++streams_in_flight;
  attempt->active_index = active.size();
  active.push_back(attempt);
  curl_multi_add_handle(multi, attempt->easy);
}

// Ends attempts that received no byte for stall_timeout_s (libcurl's low-speed check
// does not fire while no bytes flow at all on a multi handle).
void Executor::Impl::check_stalls(SteadyTime now) {
  if (options.stall_timeout_s <= 0 || now < next_stall_check) return;
  const auto limit = seconds(options.stall_timeout_s);
  stalled_now.clear();
  for (Attempt* attempt : active) {
    if (!attempt->transfer_done && now - attempt->last_activity >= limit) stalled_now.push_back(attempt);
  }
  for (Attempt* attempt : stalled_now) {
    attempt->stalled = true;
    on_transfer_done(attempt, CURLE_OPERATION_TIMEDOUT, now);
  }
  next_stall_check = now + stall_check_interval();
}

SteadyClock::duration Executor::Impl::stall_check_interval() const {
  return seconds(std::clamp(options.stall_timeout_s / 10, 0.01, 0.25));
}

void Executor::Impl::on_transfer_done(Attempt* attempt, CURLcode code, SteadyTime now) {
  Request* request = attempt->request;
  long status = 0;
  curl_easy_getinfo(attempt->easy, CURLINFO_RESPONSE_CODE, &status);
  release_attempt(attempt);  // what it gathered stays readable until the next start_attempt
  --in_flight;

  Provider& provider = providers[request->provider];
  provider.limiter.on_finish();
  request->record.timings.done_ms = ms_between(request->submitted, now);
  request->record.http_status = static_cast<int>(status);

  const RateLimitHint hint = attempt->rate_headers.hint();
  // A pause past the cap is not obeyed: it would hold every request of the provider.
  if (hint.pause_s && *hint.pause_s <= options.max_retry_wait_s) {
    provider.limiter.pause_until(now + seconds(*hint.pause_s));
  }
  if (options.header_pacing == HeaderPacing::on && status > 0) {  // a response, with or without a budget
    provider.limiter.learn(hint, request->admission, now, options.max_retry_wait_s);
  }

  Verdict verdict = judge_transfer(*attempt, code, status, options);
  if (spdlog::should_log(spdlog::level::debug)) {
    // The one request log line (--verbose). The key is never printed: only that one was sent.
    spdlog::debug("{} {} model={} -> {} {} attempt {} in {:.1f} ms{}", request_method(request->api),
                  loggable_url(request->url), request->api.model, status, to_string(verdict.outcome),
                  request->attempts, request->record.timings.latency_ms(),
                  request->api.endpoint.api_key.empty() ? "" : " (Authorization: Bearer ***)");
  }
  if (verdict.outcome == Outcome::rate_limited) provider.limiter.on_rate_limited(now);
  if (verdict.outcome == Outcome::ok || verdict.outcome == Outcome::truncated) {
    provider.limiter.on_success();
    finish(request, verdict.outcome, std::move(verdict.error));
    return;
  }
  if (verdict.retry == Retry::yes && request->attempts <= options.retries && !stopping) {
    if (std::optional<std::string> refused = refuse_wait(*request, hint.wait_s(), now)) {
      finish(request, verdict.outcome == Outcome::http_status ? Outcome::http_status : Outcome::rate_limited,
             *refused + "; last response: " + verdict.error);
      return;
    }
  }
  if (verdict.retry == Retry::yes && hint.retry_after_s && *hint.retry_after_s > 0 &&
      *hint.retry_after_s <= options.max_retry_wait_s) {
    provider.limiter.pause_until(now + seconds(*hint.retry_after_s));
  }
  if (verdict.retry == Retry::no || request->attempts > options.retries) {
    finish(request, verdict.outcome, std::move(verdict.error));
    return;
  }
  if (stopping) {
    finish(request, Outcome::cancelled, "stopped before a retry; last attempt: " + verdict.error);
    return;
  }
  request->failure = verdict.outcome;
  request->failure_text = std::move(verdict.error);
  ++retries;
  const double wait_s = std::max(backoff.delay_s(request->attempts), hint.wait_s());
  timers.push(Timer{now + seconds(wait_s), ++timer_sequence, request});
}

// A request's time budget: (retries + 1) x its timeout, counted from its first attempt.
double Executor::Impl::budget_left_s(const Request& request, SteadyTime now) const {
  const double timeout_s = request.api.endpoint.timeout_s > 0 ? request.api.endpoint.timeout_s : options.timeout_s;
  if (timeout_s <= 0) return std::numeric_limits<double>::infinity();
  return timeout_s * (options.retries + 1) - ms_between(request.first_sent, now) / 1000.0;
}

// Why a server-requested wait is not obeyed (past --max-retry-wait or the request's time
// budget), or nullopt when it is.
std::optional<std::string> Executor::Impl::refuse_wait(const Request& request, double wait_s, SteadyTime now) const {
  if (wait_s <= 0) return std::nullopt;
  if (wait_s > options.max_retry_wait_s) {
    return fmt::format("rate limited: server asked to wait {:.0f} s (more than --max-retry-wait {:.0f})", wait_s,
                       options.max_retry_wait_s);
  }
  const double left_s = budget_left_s(request, now);
  if (wait_s > left_s) {
    return fmt::format("rate limited: server asked to wait {:.0f} s, more than the {:.0f} s left of this "
                       "request's time budget ((retries + 1) x timeout)",
                       wait_s, std::max(0.0, left_s));
  }
  return std::nullopt;
}

int Executor::Impl::drain_completions(std::size_t budget) {
  const SteadyTime now = SteadyClock::now();
  int pending = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &pending)) {
    Attempt* attempt = nullptr;
    if (message->msg == CURLMSG_DONE) curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &attempt);
    if (attempt == nullptr) continue;
    attempt->transfer_done = true;
    done_transfers.push_back(DoneTransfer{attempt, message->data.result, now});
  }
  const std::size_t count = std::min(budget, done_transfers.size());
  if (count > 0) open_cache_batch(now);
  for (std::size_t i = 0; i < count; ++i) {
    const DoneTransfer done = done_transfers.front();
    done_transfers.pop_front();
    on_transfer_done(done.attempt, done.code, done.at);
  }
  return static_cast<int>(count);
}

// The responses stored within kCacheBatchInterval share one cache transaction: one commit
// for them all, not one per response (the commit, not the insert, is what costs).
void Executor::Impl::open_cache_batch(SteadyTime now) {
  if (options.cache == nullptr || cache_batch) return;
  cache_batch.emplace(options.cache);
  cache_batch_due = now + kCacheBatchInterval;
}

void Executor::Impl::close_cache_batch(SteadyTime now) {
  if (cache_batch && now >= cache_batch_due) cache_batch.reset();
}

void Executor::Impl::cancel_waiting() {
  while (!scheduled.empty()) {
    Request* request = scheduled.top().request;
    scheduled.pop();
    finish(request, Outcome::cancelled, "stopped before its scheduled send");
  }
  while (!timers.empty()) {
    Request* request = timers.top().request;
    timers.pop();
    finish(request, Outcome::cancelled, "stopped before a retry; last attempt: " + request->failure_text);
  }
  for (std::size_t index = 0; index < providers.size(); ++index) {
    while (!providers[index].queue.empty()) {
      Request* request = providers[index].queue.front();
      providers[index].queue.pop_front();
      finish(request, Outcome::cancelled, "stopped before the request was sent");
    }
  }
}

void Executor::Impl::cancel_in_flight() {
  drain_completions(done_transfers.size());  // finished ones are delivered as they ended
  std::vector<Attempt*> running = active;
  for (Attempt* attempt : running) {
    Request* request = attempt->request;
    release_attempt(attempt);
    --in_flight;
    providers[request->provider].limiter.on_finish();
    finish(request, Outcome::cancelled, "stopped while the request was in flight");
  }
}

// After a first request_stop: cancels what waits; in flight gets the grace, then is cancelled.
void Executor::Impl::handle_stop(SteadyTime now) {
  const int requests = stop_requests.load(std::memory_order_acquire);
  if (requests == 0) return;
  if (!stopping) {
    stopping = true;
    stop_deadline = now + seconds(options.stop_grace_s);
    spdlog::debug("executor: stop requested; {} in flight get {:.1f} s", in_flight, options.stop_grace_s);
  }
  cancel_waiting();  // also catches requests submitted by callbacks since
  if (requests >= 2 || now >= stop_deadline) cancel_in_flight();
}

}  // namespace llmbench::http
