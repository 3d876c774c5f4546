#pragma once
// The executor's state and the steps of its loop, shared by executor.cpp (submission,
// delivery, scheduling, the loop, progress) and executor_attempts.cpp (an attempt's start
// and end: the verdict's consequence, retries, stalls, stops, the cache's batches).
//
// Internal to http/. Not thread-safe: everything but stop_requests, post() and the wake
// descriptor runs on the loop thread.
//
// The loop waits in epoll on the sockets libcurl asks to watch (CURLMOPT_SOCKETFUNCTION)
// and drives only the transfers whose socket is ready (curl_multi_socket_action), so a
// wake-up costs what is ready, not what is in flight: curl_multi_perform would visit every
// transfer, and check each one's socket, at every wake-up.

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "llmbench/http/cache.hpp"
#include "llmbench/http/executor.hpp"
#include "llmbench/http/limiter.hpp"
#include "llmbench/http/retry.hpp"
#include "llmbench/http/transfer.hpp"
#include "llmbench/util/redact.hpp"

namespace llmbench::http {
namespace detail {

struct Provider {
  std::string name;
  ProviderLimiter limiter;
  std::deque<Request*> queue;  // ready to send: retries at the front, new requests at the back
};

struct Timer {
  SteadyTime at;
  std::uint64_t sequence;
  Request* request;
  bool operator>(const Timer& other) const {
    return at != other.at ? at > other.at : sequence > other.sequence;
  }
};

// Requests waiting out a back-off, soonest first; the waiting ones can be counted (progress).
struct TimerQueue : std::priority_queue<Timer, std::vector<Timer>, std::greater<>> {
  const std::vector<Timer>& waiting() const { return c; }
};

}  // namespace detail

struct Executor::Impl {
  using Attempt = detail::Attempt;
  using Provider = detail::Provider;
  using Request = detail::Request;
  using Timer = detail::Timer;

  explicit Impl(ExecutorOptions opts);
  ~Impl();

  // --- bookkeeping ---------------------------------------------------------------------

  std::size_t provider_index(const std::string& name);
  Request* acquire_request();
  void release_request(Request* request);
  // An idle attempt (its easy handle reset, so libcurl's connections and DNS cache are kept),
  // or a new one while fewer than the requests in flight exist.
  Attempt* acquire_attempt();
  // Takes a finished or cancelled attempt off the multi handle and out of `active`.
  void release_attempt(Attempt* attempt);

  // --- submit and finish -----------------------------------------------------------------

  // `at`: a scheduled request (Executor::submit_at), held in `scheduled` until then.
  std::uint64_t submit(ApiRequest api, Callback done, std::optional<SteadyTime> at = std::nullopt);
  // The one choke point for untrusted text: every key value the executor has seen is
  // redacted from what the server sent (and from our error text quoting it) before the record
  // reaches the cache or a callback; the error line is made valid UTF-8.
  void redact(RequestRecord& record) const;
  // Delivers the record. The callback may submit more requests.
  void finish(Request* request, Outcome outcome, std::string error);
  // Delivers records served from the cache. Their callbacks may submit more (and so add more).
  void deliver_ready();

  // --- one attempt (executor_attempts.cpp from here to the loop) ---------------------------

  void start_attempt(Request* request, SteadyTime now);
  // Ends attempts that received no byte for stall_timeout_s (libcurl's low-speed check
  // does not fire while no bytes flow at all on a multi handle).
  void check_stalls(SteadyTime now);
  SteadyClock::duration stall_check_interval() const;

  // --- completion --------------------------------------------------------------------------

  void on_transfer_done(Attempt* attempt, CURLcode code, SteadyTime now);
  // A request's time budget: (retries + 1) x its timeout, counted from its first attempt.
  double budget_left_s(const Request& request, SteadyTime now) const;
  // Why a server-requested wait is not obeyed (past --max-retry-wait or the request's time
  // budget), or nullopt when it is.
  std::optional<std::string> refuse_wait(const Request& request, double wait_s, SteadyTime now) const;
  // Takes the transfers libcurl finished into `done_transfers`, each timed now (its done_ms),
  // and handles at most `budget` of the oldest; returns how many it handled. A burst of
  // completions (whose callbacks submit more) is so handled a batch per pass of the loop, with
  // the sockets read in between: the streams in flight are read on time (their tokens' times)
  // while perf's closed loop refills a thousand slots at once.
  int drain_completions(std::size_t budget = kCompletionsPerPass);
  static constexpr std::size_t kCompletionsPerPass = 32;
  // The responses stored within kCacheBatchInterval share one cache transaction: one commit
  // for them all, not one per response (the commit, not the insert, is what costs).
  void open_cache_batch(SteadyTime now);
  void close_cache_batch(SteadyTime now);

  // --- scheduling -------------------------------------------------------------------------

  // Moves due retries to the front of their provider's queue, and due scheduled requests to
  // the back (in their planned order).
  void fire_timers(SteadyTime now);
  // Starts what limits allow, one request per provider per round for fairness. Sets
  // next_admission to the earliest time a blocked provider may admit again.
  void schedule(SteadyTime now);

  // --- stopping ---------------------------------------------------------------------------

  void cancel_waiting();
  void cancel_in_flight();
  // After a first request_stop: cancels what waits; in flight gets the grace, then is cancelled.
  void handle_stop(SteadyTime now);

  // --- the loop ---------------------------------------------------------------------------

  void run();
  // Waits up to `timeout` (at most kMaxPollMs) for a ready socket, libcurl's timer or a wake-up, and drives the
  // transfers concerned. Timestamps taken in their callbacks are the times of this wake-up,
  // but for streamed tokens: the kernel's receive time of their bytes (received_at).
  void wait_and_drive(SteadyClock::duration timeout);
  // When libcurl's next timeout (connect, a new transfer's start, ...) is due, asked of
  // libcurl each time (curl_multi_timeout), so no change of it is missed; max when none.
  SteadyTime curl_due() const;
  // Runs libcurl's timeout actions if its timer has expired (ready sockets first, while
  // streams are in flight).
  void drive_curl_timer();
  // Waits up to `timeout` for ready sockets or a wake-up, and drives each ready socket's
  // transfers, with the kernel's receive time of its bytes while streams are in flight.
  void drive_ready(SteadyClock::duration timeout);
  // With this many streams in flight, the loop lets kGather pass before it looks for ready
  // sockets (never past its next due time): each wake-up then reads several chunks instead of
  // one or two. At 1,000 streams of 50 tokens/s that is a fifth less CPU an event (fewer
  // context switches). A chunk's time stays the kernel's receive time of its bytes; what is
  // timed when read may come up to kGather later: the end of a transfer (done_ms, so E2E)
  // and the start of a request sent when another ends (perf's closed loop).
  static constexpr std::uint64_t kGatherStreams = 256;
  static constexpr std::chrono::microseconds kGather{500};
  // Wakes the loop from any thread (a signal handler too).
  void wake() noexcept;
  // libcurl's socket callback (CURLMOPT_SOCKETFUNCTION): which sockets epoll watches, for what.
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* impl, void* socket_data);
  ExecutorStats snapshot() const;

  ExecutorOptions options;
  util::Redactor secrets;  // every api_key submitted so far
  Backoff backoff;
  CURLM* multi = nullptr;
  int epoll_fd = -1;
  int wake_fd = -1;                               // an eventfd: wake() writes, the loop reads
  std::vector<std::unique_ptr<Request>> slots;
  std::vector<Request*> free_slots;
  std::vector<std::unique_ptr<Attempt>> attempt_slots;
  std::vector<Attempt*> idle_attempts;
  std::deque<Provider> providers;  // deque: references stay valid when callbacks add providers
  std::unordered_map<std::string, std::size_t> provider_by_name;
  detail::TimerQueue timers;
  detail::TimerQueue scheduled;  // submit_at requests before their time, soonest first
  struct DoneTransfer {
    Attempt* attempt;
    CURLcode code;
    SteadyTime at;  // when libcurl was found to have finished it
  };
  std::deque<DoneTransfer> done_transfers;  // finished, not yet handled; still in `active`
  std::vector<Attempt*> active;  // in flight, in no particular order
  // Streamed chat attempts in flight: only while there are any does the loop peek the kernel's
  // receive time of a readable socket's bytes (one more system call per readable socket).
  std::uint64_t streams_in_flight = 0;
  // The kernel's receive time of the bytes libcurl reads in the curl_multi_socket_action call
  // under way (Attempt::received_at points here); empty outside one, or when not peeked.
  std::optional<util::ReceiveStamp> received_at;
  std::vector<Attempt*> stalled_now;
  SteadyTime next_stall_check{};
  std::uint64_t timer_sequence = 0;
  std::size_t round_robin = 0;
  SteadyTime next_admission = SteadyTime::max();

  std::uint64_t last_id = 0;
  std::uint64_t live = 0;  // submitted, not yet finished
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t peak_in_flight = 0;
  std::uint64_t retries = 0;
  std::uint64_t cache_hits = 0;
  std::uint64_t deduplicated = 0;
  std::map<std::string, std::uint64_t> outcomes;
  std::unordered_map<std::string, Request*> pending_by_key;  // cache on: queued or in flight, by key
  std::deque<std::pair<RequestRecord, Callback>> ready;       // cache hits not yet delivered
  std::optional<ResponseCache::Batch> cache_batch;            // open while responses are being stored
  SteadyTime cache_batch_due{};                               // when it is committed

  // Executor::hold/post: holds taken (loop thread), tasks posted from other threads.
  std::uint64_t holds = 0;
  std::mutex posted_mutex;
  std::vector<std::function<void()>> posted;  // guarded by posted_mutex
  // Runs the posted tasks, each releasing one hold. Loop thread.
  void run_posted();

  std::atomic<int> stop_requests{0};
  bool stopping = false;
  SteadyTime stop_deadline{};

  std::function<void(const ExecutorStats&)> progress_callback;
  std::function<void()> turn_end_callback;  // Executor::on_turn_end
  int progress_interval_ms = 250;
};

}  // namespace llmbench::http
