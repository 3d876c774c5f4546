#pragma once
// The executor: one libcurl multi event loop that keeps many requests in flight,
// honours global and per-provider limits, retries what is worth retrying, and turns
// every request into exactly one RequestRecord.
//
// Threading: submit() and the callbacks run on the thread that calls run(); a callback
// may submit follow-up requests (a judge reading a generated answer). request_stop() may
// be called from any thread or a signal handler.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "llmbench/http/types.hpp"

namespace llmbench::http {

class ResponseCache;
class SpendGate;

// Whether providers are paced by the budgets their responses announce (x-ratelimit-*).
enum class HeaderPacing { on, off };

struct ExecutorOptions {
  int concurrency = 32;           // requests in flight over all providers
  int retries = 4;                // retries after the first attempt
  double timeout_s = 120;         // whole attempt
  double connect_timeout_s = 10;
  double stall_timeout_s = 60;    // no byte received for this long ends the attempt
  double backoff_base_s = 0.5;    // first retry waits about this long (with jitter)
  double backoff_max_s = 30;
  double stop_grace_s = 10;       // after request_stop(), how long requests in flight may finish
  std::uint64_t seed = 0;         // jitter seed
  // Caps on what a hostile server can make us hold or wait for.
  std::size_t max_response_bytes = 16u << 20;  // decoded (inflated) body per attempt; beyond: too_large
  double max_retry_wait_s = 60;   // a longer Retry-After / x-ratelimit reset fails the request at once
  // on: a provider's announced budget (limit, remaining, reset of requests and tokens) is spent,
  // then its requests wait for the reset (http/limiter.hpp); a reset past max_retry_wait_s is
  // not believed. off: only Retry-After and an exhausted budget's reset pause it (the
  // behaviour before header pacing; benchmarks/rate_limit compares the two).
  HeaderPacing header_pacing = HeaderPacing::on;
  // Response cache (http/cache.hpp), not owned; null = off. When set: a request whose
  // request_key() is stored completes without network I/O (record.cached = true, delivered
  // on the loop thread like any other); an ok response is stored after it arrives (committed
  // in batches at most 100 ms later, and when run() returns: other processes sharing the
  // cache see it then); and a request identical (same key) to one already queued or in flight
  // is not sent again: it receives a copy of that request's record when it completes
  // (ExecutorStats::deduplicated), whatever its outcome. Without a cache every request is
  // sent, identical or not.
  ResponseCache* cache = nullptr;
  // A cap on spend (http/spend_gate.hpp), not owned; null = none. Asked before each request's
  // first attempt (scheduled requests too); a refusal stops the executor as request_stop() does.
  // Cache hits and requests merged with an identical one are never asked: they cost nothing.
  SpendGate* spend_gate = nullptr;
};

// A provider that sends nothing until a server-requested pause ends, and how long is left.
struct ProviderWait {
  enum class Why { retry_after, budget_reset };
  std::string provider;
  double wait_s = 0;
  Why why = Why::retry_after;  // a pause the server asked for, or its announced budget is spent
};

// A snapshot for progress display.
struct ExecutorStats {
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t retries = 0;
  std::uint64_t peak_in_flight = 0;               // most requests in flight at once so far
  std::uint64_t cache_hits = 0;                   // completed from the response cache
  std::uint64_t deduplicated = 0;                 // completed by sharing an identical request's record
  std::map<std::string, std::uint64_t> outcomes;  // to_string(Outcome) -> count
  std::map<std::string, int> provider_limit;      // current adaptive concurrency per provider
  std::vector<ProviderWait> backing_off;          // providers currently waiting on a rate limit
  std::uint64_t retrying = 0;   // requests waiting out a back-off before a retry, or sending one
  double retry_wait_s = 0;      // the longest back-off left among those waiting
};

class Executor {
 public:
  using Callback = std::function<void(RequestRecord&&)>;

  explicit Executor(ExecutorOptions options);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void set_provider_limits(const std::string& provider, ProviderLimits limits);

  // The caller could not use the ok reply `record` holds (a judge verdict it cannot read): it
  // is removed from the cache (by record.cache_key; nothing without one), so a resend
  // (run --resume --retry-errors) asks the model again. Loop thread only (a callback), or while
  // run() is not running.
  void forget_cached(const RequestRecord& record);

  // Queues a request; `done` is called exactly once, on the loop thread, with its record.
  std::uint64_t submit(ApiRequest request, Callback done);

  // As submit(), but the request joins its provider's queue only at `at` (a precomputed
  // arrival schedule: the caller never waits on responses to send). Its record's timings are
  // offsets from `at`, so timings.sent_ms is how long it queued past its planned time. A
  // scheduled request is always sent: the cache is neither read nor written for it, and it is
  // not merged with an identical request.
  std::uint64_t submit_at(std::chrono::steady_clock::time_point at, ApiRequest request, Callback done);

  // Ends every request not yet sent (scheduled, queued, or waiting to retry) as
  // Outcome::cancelled; requests in flight go on. Unlike request_stop(), the executor keeps
  // working: what is submitted afterwards is sent. Loop thread only (a callback), or while
  // run() is not running.
  void cancel_pending();

  // Runs until every submitted request (including those submitted by callbacks) has a record,
  // or until a stop completes (remaining requests then end as Outcome::cancelled), and every
  // hold() has been released.
  void run();

  // Work done on another thread (a program in the code sandbox) whose result must reach the
  // loop: hold() on the loop thread (a callback, or before run()) before handing the work
  // over; the other thread then calls post(task) exactly once, and `task` runs on the loop
  // thread, which releases the hold. run() does not return while a hold is outstanding, after
  // a stop too (the worker must still post; it may check stop_requested() and post at once).
  // post() is safe from any thread; the executor must outlive it.
  void hold();
  void post(std::function<void()> task);

  // Stop scheduling new requests; requests in flight get stop_grace_s to finish.
  // A second call cancels everything at once.
  void request_stop() noexcept;

  // Whether request_stop() has been called: what is submitted from now on is only cancelled,
  // so a producer of work may stop making it. Any thread.
  bool stop_requested() const noexcept;

  // Called on the loop thread about every `interval_ms` while run() is going.
  void on_progress(std::function<void(const ExecutorStats&)> callback, int interval_ms = 250);

  // Called on the loop thread at the end of every turn of run()'s loop, once that turn's
  // records have been handed to their callbacks (before it waits on the network again), and
  // before run() returns: what callbacks hold back to do at once (the item log's lines, one
  // write for the turn) is done there. An empty function removes it. Call while run() is not
  // running.
  void on_turn_end(std::function<void()> callback);

  // Call on the loop thread (a callback or on_progress) or while run() is not running.
  ExecutorStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmbench::http
