// The executor's scheduling layer: submission (cache hits and identical requests answered
// without a send), per-provider admission and fairness, retries and their back-off, stops,
// progress, and the one place a record is finished and delivered. One attempt on the wire is
// transfer.hpp's.
#include "llmbench/http/executor.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "llmbench/http/cache.hpp"
#include "llmbench/http/limiter.hpp"
#include "llmbench/http/openai.hpp"
#include "llmbench/http/retry.hpp"
#include "llmbench/http/transfer.hpp"
#include "llmbench/util/redact.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::http {

using detail::judge_transfer;
using detail::loggable_url;
using detail::ms_between;
using detail::Request;
using detail::seconds;
using detail::Verdict;

namespace {

constexpr int kMaxPollMs = 1000;
constexpr auto kCacheBatchInterval = std::chrono::milliseconds(100);

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

}  // namespace

struct Executor::Impl {
  explicit Impl(ExecutorOptions opts)
      : options(opts), backoff(opts.backoff_base_s, opts.backoff_max_s, opts.seed) {
    options.concurrency = std::max(1, options.concurrency);
    options.retries = std::max(0, options.retries);
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(options.concurrency));
  }

  ~Impl() {
    for (auto& request : slots) {
      if (request->easy != nullptr) {
        curl_multi_remove_handle(multi, request->easy);
        curl_easy_cleanup(request->easy);
        request->easy = nullptr;
      }
      if (request->headers != nullptr) curl_slist_free_all(request->headers);
    }
    for (CURL* easy : idle_handles) curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }

  // --- bookkeeping ---------------------------------------------------------------------

  std::size_t provider_index(const std::string& name) {
    const auto it = provider_by_name.find(name);
    if (it != provider_by_name.end()) return it->second;
    providers.push_back(Provider{name, ProviderLimiter({}, options.concurrency, SteadyClock::now()), {}});
    provider_by_name.emplace(name, providers.size() - 1);
    return providers.size() - 1;
  }

  Request* acquire_request() {
    if (!free_slots.empty()) {
      Request* request = free_slots.back();
      free_slots.pop_back();
      return request;
    }
    slots.push_back(detail::new_request(options.max_response_bytes));
    Request* request = slots.back().get();
    return request;
  }

  void release_request(Request* request) {
    if (request->headers != nullptr) {
      curl_slist_free_all(request->headers);
      request->headers = nullptr;
    }
    request->api = ApiRequest{};
    request->done = nullptr;
    request->key.clear();
    request->followers.clear();
    request->record = RequestRecord{};
    request->failure_text.clear();
    request->response.clear();
    if (request->response.capacity() > 1 << 20) request->response.shrink_to_fit();
    free_slots.push_back(request);
  }

  // --- submit and finish -----------------------------------------------------------------

  std::uint64_t submit(ApiRequest api, Callback done) {
    const std::uint64_t id = ++last_id;
    secrets.add(api.endpoint.api_key);
    std::string key;
    if (options.cache != nullptr && is_cacheable(api)) {
      key = request_key(api);
      if (const auto it = pending_by_key.find(key); it != pending_by_key.end()) {
        it->second->followers.emplace_back(id, std::move(done));
        ++live;
        ++submitted;
        return id;
      }
      if (std::optional<RequestRecord> hit = options.cache->get_by_key(key)) {
        hit->id = id;
        redact(*hit);  // entries stored before redaction existed
        if (spdlog::should_log(spdlog::level::debug)) {
          spdlog::debug("{} {} model={} -> cache hit", request_method(api), loggable_url(request_url(api)), api.model);
        }
        ready.emplace_back(std::move(*hit), std::move(done));
        ++live;
        ++submitted;
        return id;
      }
    }
    Request* request = acquire_request();
    request->id = id;
    request->key = std::move(key);
    if (!request->key.empty()) pending_by_key.emplace(request->key, request);
    request->provider = provider_index(api.endpoint.provider);
    request->url = request_url(api);
    request->body = request_body(api);
    request->tokens = static_cast<double>(estimate_tokens(api));
    request->api = std::move(api);
    request->done = std::move(done);
    request->submitted = SteadyClock::now();
    request->attempts = 0;
    request->failure = Outcome::ok;
    request->record = RequestRecord{};
    request->record.id = request->id;
    providers[request->provider].queue.push_back(request);
    ++live;
    ++submitted;
    return request->id;
  }

  // The one choke point for untrusted text: every key value the executor has seen is
  // redacted from what the server sent (and from our error text quoting it) before the record
  // reaches the cache or a callback; the error line is made valid UTF-8.
  void redact(RequestRecord& record) const {
    secrets.apply(record.content);
    secrets.apply(record.reasoning);
    secrets.apply(record.finish_reason);
    secrets.apply(record.error);
    for (auto& id : record.model_ids) secrets.apply(id);
    if (!util::is_valid_utf8(record.error)) record.error = util::to_valid_utf8(record.error);
  }

  // Delivers the record. The callback may submit more requests.
  void finish(Request* request, Outcome outcome, std::string error) {
    RequestRecord record = std::move(request->record);
    record.id = request->id;
    record.outcome = outcome;
    record.attempts = request->attempts;
    record.error = std::move(error);
    redact(record);
    if (outcome != Outcome::ok && outcome != Outcome::truncated) {
      if (record.timings.done_ms < 0 && request->attempts > 0) {
        record.timings.done_ms = ms_between(request->submitted, SteadyClock::now());
      }
    }
    Callback done = std::move(request->done);
    std::vector<std::pair<std::uint64_t, Callback>> followers = std::move(request->followers);
    if (!request->key.empty()) {
      pending_by_key.erase(request->key);
      if (outcome == Outcome::ok) options.cache->put_by_key(request->key, request->api, record);
    }
    release_request(request);
    // Followers get copies before the first callback runs (it may move the record away).
    std::vector<RequestRecord> copies(followers.size(), record);
    const std::string outcome_name(to_string(outcome));
    --live;
    ++completed;
    ++outcomes[outcome_name];
    if (done) done(std::move(record));
    for (std::size_t i = 0; i < followers.size(); ++i) {
      copies[i].id = followers[i].first;
      --live;
      ++completed;
      ++deduplicated;
      ++outcomes[outcome_name];
      if (followers[i].second) followers[i].second(std::move(copies[i]));
    }
  }

  // Delivers records served from the cache. Their callbacks may submit more (and so add more).
  void deliver_ready() {
    while (!ready.empty()) {
      auto [record, done] = std::move(ready.front());
      ready.pop_front();
      --live;
      ++completed;
      ++cache_hits;
      ++outcomes[std::string(to_string(Outcome::ok))];
      if (done) done(std::move(record));
    }
  }

  // --- one attempt ------------------------------------------------------------------------

  void start_attempt(Request* request, SteadyTime now) {
    ++request->attempts;
    ++in_flight;
    peak_in_flight = std::max(peak_in_flight, in_flight);
    if (request->attempts == 1) request->first_sent = now;
    CURL* easy = nullptr;
    if (!idle_handles.empty()) {
      easy = idle_handles.back();
      idle_handles.pop_back();
      curl_easy_reset(easy);
    } else {
      easy = curl_easy_init();
    }
    detail::begin_attempt(*request, easy, options, now);
    request->active_index = active.size();
    active.push_back(request);
    curl_multi_add_handle(multi, easy);
  }

  void remove_active(Request* request) {
    Request* last = active.back();
    active[request->active_index] = last;
    last->active_index = request->active_index;
    active.pop_back();
  }

  // Ends attempts that received no byte for stall_timeout_s (libcurl's low-speed check
  // does not fire while no bytes flow at all on a multi handle).
  void check_stalls(SteadyTime now) {
    if (options.stall_timeout_s <= 0 || now < next_stall_check) return;
    const auto limit = seconds(options.stall_timeout_s);
    stalled_now.clear();
    for (Request* request : active) {
      if (now - request->last_activity >= limit) stalled_now.push_back(request);
    }
    for (Request* request : stalled_now) {
      request->stalled = true;
      on_transfer_done(request, CURLE_OPERATION_TIMEDOUT, now);
    }
    next_stall_check = now + stall_check_interval();
  }

  SteadyClock::duration stall_check_interval() const {
    return seconds(std::clamp(options.stall_timeout_s / 10, 0.01, 0.25));
  }

  // --- completion --------------------------------------------------------------------------

  void on_transfer_done(Request* request, CURLcode code, SteadyTime now) {
    CURL* easy = request->easy;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(multi, easy);
    idle_handles.push_back(easy);
    request->easy = nullptr;
    remove_active(request);
    --in_flight;

    Provider& provider = providers[request->provider];
    provider.limiter.on_finish();
    request->record.timings.done_ms = ms_between(request->submitted, now);
    request->record.http_status = static_cast<int>(status);

    const RateLimitHint hint = request->rate_headers.hint();
    // A pause past the cap is not obeyed: it would hold every request of the provider.
    if (hint.pause_s && *hint.pause_s <= options.max_retry_wait_s) {
      provider.limiter.pause_until(now + seconds(*hint.pause_s));
    }
    if (options.header_pacing == HeaderPacing::on && status > 0) {  // a response, with or without a budget
      provider.limiter.learn(hint, request->admission, now, options.max_retry_wait_s);
    }

    Verdict verdict = judge_transfer(*request, code, status, options);
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
  double budget_left_s(const Request& request, SteadyTime now) const {
    const double timeout_s = request.api.endpoint.timeout_s > 0 ? request.api.endpoint.timeout_s : options.timeout_s;
    if (timeout_s <= 0) return std::numeric_limits<double>::infinity();
    return timeout_s * (options.retries + 1) - ms_between(request.first_sent, now) / 1000.0;
  }

  // Why a server-requested wait is not obeyed (past --max-retry-wait or the request's time
  // budget), or nullopt when it is.
  std::optional<std::string> refuse_wait(const Request& request, double wait_s, SteadyTime now) const {
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

  // Moves finished transfers out of curl; returns how many finished.
  int drain_completions() {
    done_messages.clear();
    int pending = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &pending)) {
      if (message->msg == CURLMSG_DONE) done_messages.emplace_back(message->easy_handle, message->data.result);
    }
    const SteadyTime now = SteadyClock::now();
    if (!done_messages.empty()) open_cache_batch(now);
    for (const auto& [easy, code] : done_messages) {
      Request* request = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &request);
      if (request != nullptr) on_transfer_done(request, code, now);
    }
    return static_cast<int>(done_messages.size());
  }

  // The responses stored within kCacheBatchInterval share one cache transaction: one commit
  // for them all, not one per response (the commit, not the insert, is what costs).
  void open_cache_batch(SteadyTime now) {
    if (options.cache == nullptr || cache_batch) return;
    cache_batch.emplace(options.cache);
    cache_batch_due = now + kCacheBatchInterval;
  }

  void close_cache_batch(SteadyTime now) {
    if (cache_batch && now >= cache_batch_due) cache_batch.reset();
  }

  // --- scheduling -------------------------------------------------------------------------

  void fire_timers(SteadyTime now) {
    while (!timers.empty() && timers.top().at <= now) {
      Request* request = timers.top().request;
      timers.pop();
      providers[request->provider].queue.push_front(request);
    }
  }

  // Starts what limits allow, one request per provider per round for fairness. Sets
  // next_admission to the earliest time a blocked provider may admit again.
  void schedule(SteadyTime now) {
    next_admission = SteadyTime::max();
    if (stopping) return;
    bool progress = true;
    while (progress && in_flight < static_cast<std::uint64_t>(options.concurrency)) {
      progress = false;
      for (std::size_t k = 0; k < providers.size(); ++k) {
        if (in_flight >= static_cast<std::uint64_t>(options.concurrency)) break;
        Provider& provider = providers[(round_robin + k) % providers.size()];
        if (provider.queue.empty()) continue;
        Request* request = provider.queue.front();
        SteadyTime retry_at{};
        switch (provider.limiter.try_start(request->tokens, now, retry_at)) {
          case Admit::started:
            provider.queue.pop_front();
            request->admission = provider.limiter.mark();
            start_attempt(request, now);
            progress = true;
            break;
          case Admit::later: next_admission = std::min(next_admission, retry_at); break;
          case Admit::full: break;
        }
      }
      if (!providers.empty()) round_robin = (round_robin + 1) % providers.size();
    }
  }

  // --- stopping ---------------------------------------------------------------------------

  void cancel_waiting() {
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

  void cancel_in_flight() {
    std::vector<Request*> running = active;
    for (Request* request : running) {
      curl_multi_remove_handle(multi, request->easy);
      idle_handles.push_back(request->easy);
      request->easy = nullptr;
      remove_active(request);
      --in_flight;
      providers[request->provider].limiter.on_finish();
      finish(request, Outcome::cancelled, "stopped while the request was in flight");
    }
  }

  // After a first request_stop: cancels what waits; in flight gets the grace, then is cancelled.
  void handle_stop(SteadyTime now) {
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

  // --- the loop ---------------------------------------------------------------------------

  void run() {
    SteadyTime next_progress = SteadyClock::now();
    for (;;) {
      SteadyTime now = SteadyClock::now();
      deliver_ready();
      handle_stop(now);
      check_stalls(now);
      fire_timers(now);
      schedule(now);
      if (progress_callback && now >= next_progress) {
        progress_callback(snapshot());
        next_progress = now + std::chrono::milliseconds(progress_interval_ms);
      }
      deliver_ready();
      close_cache_batch(now);
      if (live == 0) break;
      int running = 0;
      curl_multi_perform(multi, &running);
      if (drain_completions() > 0) continue;  // refill at once

      SteadyTime wake = now + std::chrono::milliseconds(kMaxPollMs);
      if (!timers.empty()) wake = std::min(wake, timers.top().at);
      wake = std::min(wake, next_admission);
      if (stopping) wake = std::min(wake, stop_deadline);
      if (!active.empty() && options.stall_timeout_s > 0) wake = std::min(wake, next_stall_check);
      if (progress_callback) wake = std::min(wake, next_progress);
      if (cache_batch) wake = std::min(wake, cache_batch_due);
      now = SteadyClock::now();
      const double wait_ms = std::max(0.0, ms_between(now, wake));
      const int timeout_ms = static_cast<int>(std::min<double>(kMaxPollMs, std::ceil(wait_ms)));
      curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
    }
    cache_batch.reset();
    if (progress_callback) progress_callback(snapshot());
  }

  ExecutorStats snapshot() const {
    ExecutorStats stats;
    stats.submitted = submitted;
    stats.completed = completed;
    stats.in_flight = in_flight;
    stats.retries = retries;
    stats.peak_in_flight = peak_in_flight;
    stats.cache_hits = cache_hits;
    stats.deduplicated = deduplicated;
    stats.outcomes = outcomes;
    const SteadyTime now = SteadyClock::now();
    for (const Timer& timer : timers.waiting()) {
      ++stats.retrying;
      stats.retry_wait_s = std::max(stats.retry_wait_s, std::chrono::duration<double>(timer.at - now).count());
    }
    for (const Request* request : active) stats.retrying += request->attempts > 1 ? 1 : 0;
    for (const auto& provider : providers) {
      for (const Request* request : provider.queue) stats.retrying += request->attempts > 0 ? 1 : 0;
    }
    for (const auto& provider : providers) {
      stats.provider_limit[provider.name] = provider.limiter.limit();
      if (provider.limiter.paused(now)) {
        stats.backing_off.push_back(
            ProviderWait{provider.name, std::chrono::duration<double>(provider.limiter.paused_until() - now).count()});
      }
    }
    return stats;
  }

  ExecutorOptions options;
  util::Redactor secrets;  // every api_key submitted so far
  Backoff backoff;
  CURLM* multi = nullptr;
  std::vector<std::unique_ptr<Request>> slots;
  std::vector<Request*> free_slots;
  std::vector<CURL*> idle_handles;
  std::deque<Provider> providers;  // deque: references stay valid when callbacks add providers
  std::unordered_map<std::string, std::size_t> provider_by_name;
  TimerQueue timers;
  std::vector<std::pair<CURL*, CURLcode>> done_messages;
  std::vector<Request*> active;  // in flight, in no particular order
  std::vector<Request*> stalled_now;
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

  std::atomic<int> stop_requests{0};
  bool stopping = false;
  SteadyTime stop_deadline{};

  std::function<void(const ExecutorStats&)> progress_callback;
  int progress_interval_ms = 250;
};

Executor::Executor(ExecutorOptions options) : impl_(std::make_unique<Impl>(options)) {}

Executor::~Executor() = default;

void Executor::set_provider_limits(const std::string& provider, ProviderLimits limits) {
  const std::size_t index = impl_->provider_index(provider);
  Provider& entry = impl_->providers[index];
  entry.limiter = ProviderLimiter(limits, impl_->options.concurrency, SteadyClock::now());
}

std::uint64_t Executor::submit(ApiRequest request, Callback done) {
  return impl_->submit(std::move(request), std::move(done));
}

void Executor::run() { impl_->run(); }

void Executor::request_stop() noexcept {
  impl_->stop_requests.fetch_add(1, std::memory_order_acq_rel);
  curl_multi_wakeup(impl_->multi);
}

bool Executor::stop_requested() const noexcept {
  return impl_->stop_requests.load(std::memory_order_acquire) > 0;
}

void Executor::on_progress(std::function<void(const ExecutorStats&)> callback, int interval_ms) {
  impl_->progress_callback = std::move(callback);
  impl_->progress_interval_ms = std::max(1, interval_ms);
}

ExecutorStats Executor::stats() const { return impl_->snapshot(); }

}  // namespace llmbench::http
