// The executor's scheduling layer: submission (cache hits and identical requests answered
// without a send), per-provider admission and fairness, the one place a record is finished
// and delivered, the loop and its progress. An attempt's start and end (retries, stalls,
// stops) are executor_attempts.cpp's; one attempt on the wire is transfer.hpp's.
#include "llmbench/http/executor.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "llmbench/error.hpp"
#include "llmbench/http/executor_impl.hpp"
#include "llmbench/http/openai.hpp"
#include "llmbench/http/spend_gate.hpp"
#include "llmbench/util/epoll_wait.hpp"
#include "llmbench/util/receive_time.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::http {

using detail::Attempt;
using detail::loggable_url;
using detail::ms_between;
using detail::Provider;
using detail::Request;

namespace {

constexpr int kMaxPollMs = 1000;
constexpr int kMaxEvents = 256;  // ready sockets taken per epoll_wait

}  // namespace

Executor::Impl::Impl(ExecutorOptions opts)
    : options(opts), backoff(opts.backoff_base_s, opts.backoff_max_s, opts.seed) {
  options.concurrency = std::max(1, options.concurrency);
  options.retries = std::max(0, options.retries);
  epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd < 0 || wake_fd < 0) {
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
    throw Error("executor: cannot create its event loop (epoll/eventfd): too many open files?", ExitCode::internal);
  }
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.fd = wake_fd;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &wake_event);
  multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(options.concurrency));
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
}

Executor::Impl::~Impl() {
  const std::lock_guard lock(posted_mutex);  // a post() still waking the loop finishes first
  for (Attempt* attempt : active) curl_multi_remove_handle(multi, attempt->easy);
  attempt_slots.clear();
  for (auto& request : slots) {
    if (request->headers != nullptr) curl_slist_free_all(request->headers);
  }
  curl_multi_cleanup(multi);
  ::close(epoll_fd);
  ::close(wake_fd);
}

int Executor::Impl::on_socket(CURL*, curl_socket_t socket, int what, void* impl, void*) {
  const int epoll_fd = static_cast<Impl*>(impl)->epoll_fd;
  if (what == CURL_POLL_REMOVE) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, socket, nullptr);  // may be closed already: nothing to do then
    return 0;
  }
  epoll_event event{};
  event.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  event.data.fd = socket;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, socket, &event);
    util::enable_receive_times(socket);  // a connection may carry a stream later
  }
  return 0;
}

void Executor::Impl::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd, &one, sizeof one);  // full (EAGAIN): awake anyway
}

SteadyTime Executor::Impl::curl_due() const {
  long ms = -1;  // rounded up by libcurl: when this has passed, its timer has expired
  curl_multi_timeout(multi, &ms);
  return ms < 0 ? SteadyTime::max() : SteadyClock::now() + std::chrono::milliseconds(ms);
}

void Executor::Impl::drive_curl_timer() {
  long ms = -1;
  curl_multi_timeout(multi, &ms);
  if (ms != 0) return;
  // libcurl's timeout actions may read a transfer's socket too, with no receive stamp taken:
  // what is ready goes first, each socket peeked.
  if (streams_in_flight > 0) drive_ready(SteadyClock::duration::zero());
  int running = 0;
  curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
}

void Executor::Impl::wait_and_drive(SteadyClock::duration timeout) {
  drive_ready(std::clamp<SteadyClock::duration>(timeout, {}, std::chrono::milliseconds(kMaxPollMs)));
  drive_curl_timer();
}

void Executor::Impl::drive_ready(SteadyClock::duration timeout) {
  std::array<epoll_event, kMaxEvents> events{};
  // To the nanosecond: a scheduled send (perf's open loop) leaves on time.
  const int woken = util::epoll_wait_for(epoll_fd, events.data(), kMaxEvents, timeout);
  int running = 0;
  for (int i = 0; i < woken; ++i) {
    const epoll_event& event = events[static_cast<std::size_t>(i)];
    if (event.data.fd == wake_fd) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto read = ::read(wake_fd, &count, sizeof count);
      continue;
    }
    const int mask = (event.events & EPOLLIN ? CURL_CSELECT_IN : 0) | (event.events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                     (event.events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    if (streams_in_flight > 0 && (event.events & EPOLLIN) != 0) received_at = util::peek_receive_time(event.data.fd);
    curl_multi_socket_action(multi, event.data.fd, mask, &running);
    received_at.reset();
  }
}

std::size_t Executor::Impl::provider_index(const std::string& name) {
  const auto it = provider_by_name.find(name);
  if (it != provider_by_name.end()) return it->second;
  providers.push_back(Provider{name, ProviderLimiter({}, options.concurrency, SteadyClock::now()), {}});
  provider_by_name.emplace(name, providers.size() - 1);
  return providers.size() - 1;
}

detail::Request* Executor::Impl::acquire_request() {
  if (!free_slots.empty()) {
    Request* request = free_slots.back();
    free_slots.pop_back();
    return request;
  }
  slots.push_back(std::make_unique<Request>());
  return slots.back().get();
}

void Executor::Impl::release_request(Request* request) {
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
  request->spend_usd = -1;
  free_slots.push_back(request);
}

detail::Attempt* Executor::Impl::acquire_attempt() {
  if (!idle_attempts.empty()) {
    Attempt* attempt = idle_attempts.back();
    idle_attempts.pop_back();
    curl_easy_reset(attempt->easy);
    return attempt;
  }
  attempt_slots.push_back(std::make_unique<Attempt>());
  return attempt_slots.back().get();
}

void Executor::Impl::release_attempt(Attempt* attempt) {
  curl_multi_remove_handle(multi, attempt->easy);
  if (attempt->request->api.streamed()) --streams_in_flight;
  Attempt* last = active.back();
  active[attempt->active_index] = last;
  last->active_index = attempt->active_index;
  active.pop_back();
  idle_attempts.push_back(attempt);
}

std::uint64_t Executor::Impl::submit(ApiRequest api, Callback done, std::optional<SteadyTime> at) {
  const std::uint64_t id = ++last_id;
  secrets.add(api.endpoint.api_key);
  std::string key;
  if (options.cache != nullptr && !at && is_cacheable(api)) {
    key = request_key(api);
    if (const auto it = pending_by_key.find(key); it != pending_by_key.end()) {
      it->second->followers.emplace_back(id, std::move(done));
      ++live;
      ++submitted;
      return id;
    }
    if (std::optional<RequestRecord> hit = options.cache->get_by_key(key)) {
      hit->id = id;
      hit->cache_key = std::move(key);
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
  request->submitted = at.value_or(SteadyClock::now());
  request->attempts = 0;
  request->failure = Outcome::ok;
  request->record = RequestRecord{};
  request->record.id = request->id;
  if (at) {
    scheduled.push(Timer{*at, ++timer_sequence, request});
  } else {
    providers[request->provider].queue.push_back(request);
  }
  ++live;
  ++submitted;
  return request->id;
}

// The one choke point for untrusted text: every key value the executor has seen is
// redacted from what the server sent (and from our error text quoting it) before the record
// reaches the cache or a callback; the error line is made valid UTF-8.
void Executor::Impl::redact(RequestRecord& record) const {
  secrets.apply(record.content);
  secrets.apply(record.reasoning);
  secrets.apply(record.finish_reason);
  secrets.apply(record.error);
  for (auto& id : record.model_ids) secrets.apply(id);
  if (!util::is_valid_utf8(record.error)) record.error = util::to_valid_utf8(record.error);
}

// Delivers the record. The callback may submit more requests.
void Executor::Impl::finish(Request* request, Outcome outcome, std::string error) {
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
  if (request->spend_usd >= 0) options.spend_gate->settle(request->spend_usd, request->api, record);
  Callback done = std::move(request->done);
  std::vector<std::pair<std::uint64_t, Callback>> followers = std::move(request->followers);
  if (!request->key.empty()) {
    pending_by_key.erase(request->key);
    if (outcome == Outcome::ok) {
      options.cache->put_by_key(request->key, request->api, record);
      record.cache_key = std::move(request->key);
    }
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
void Executor::Impl::deliver_ready() {
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

void Executor::Impl::fire_timers(SteadyTime now) {
  while (!timers.empty() && timers.top().at <= now) {
    Request* request = timers.top().request;
    timers.pop();
    providers[request->provider].queue.push_front(request);
  }
  while (!scheduled.empty() && scheduled.top().at <= now) {
    Request* request = scheduled.top().request;
    scheduled.pop();
    providers[request->provider].queue.push_back(request);
  }
}

// Starts what limits allow, one request per provider per round for fairness. Sets
// next_admission to the earliest time a blocked provider may admit again.
void Executor::Impl::schedule(SteadyTime now) {
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
          if (options.spend_gate != nullptr && request->attempts == 0) {
            const double estimate_usd = options.spend_gate->estimate_usd(request->api);
            if (!options.spend_gate->admit(estimate_usd)) {
              provider.limiter.on_finish();  // it never started; the executor is stopping anyway
              stop_requests.fetch_add(1, std::memory_order_acq_rel);
              next_admission = now;  // the next turn of the loop, at once, stops: what waits is cancelled
              return;
            }
            request->spend_usd = estimate_usd;
          }
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

void Executor::Impl::run_posted() {
  std::vector<std::function<void()>> tasks;
  {
    const std::lock_guard lock(posted_mutex);
    tasks.swap(posted);
  }
  for (auto& task : tasks) {
    --holds;
    if (task) task();
  }
}

void Executor::Impl::run() {
  SteadyTime next_progress = SteadyClock::now();
  for (;;) {
    if (turn_end_callback) turn_end_callback();  // the turn before this one has ended
    SteadyTime now = SteadyClock::now();
    run_posted();
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
    if (live == 0 && holds == 0) break;
    drive_curl_timer();  // transfers just added start here (libcurl's timer for them has expired)
    if (drain_completions() > 0) {
      if (!done_transfers.empty()) wait_and_drive({});  // read what arrived before the next batch
      continue;                                          // refill at once
    }

    SteadyTime wake = now + std::chrono::milliseconds(kMaxPollMs);
    if (!timers.empty()) wake = std::min(wake, timers.top().at);
    if (!scheduled.empty()) wake = std::min(wake, scheduled.top().at);
    wake = std::min(wake, next_admission);
    if (stopping) wake = std::min(wake, stop_deadline);
    if (!active.empty() && options.stall_timeout_s > 0) wake = std::min(wake, next_stall_check);
    if (progress_callback) wake = std::min(wake, next_progress);
    if (cache_batch) wake = std::min(wake, cache_batch_due);
    wake = std::min(wake, curl_due());
    if (turn_end_callback) turn_end_callback();  // nothing held while the loop waits
    if (streams_in_flight >= kGatherStreams) std::this_thread::sleep_until(std::min(wake, SteadyClock::now() + kGather));
    wait_and_drive(wake - SteadyClock::now());
    drain_completions(0);  // timed now, handled at the top: one batch between socket reads
  }
  if (turn_end_callback) turn_end_callback();
  cache_batch.reset();
  if (progress_callback) progress_callback(snapshot());
}

ExecutorStats Executor::Impl::snapshot() const {
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
  for (const Attempt* attempt : active) stats.retrying += attempt->request->attempts > 1 ? 1 : 0;
  for (const auto& provider : providers) {
    for (const Request* request : provider.queue) stats.retrying += request->attempts > 0 ? 1 : 0;
  }
  for (const auto& provider : providers) {
    stats.provider_limit[provider.name] = provider.limiter.limit();
    if (provider.limiter.paused(now)) {
      stats.backing_off.push_back(
          ProviderWait{provider.name, std::chrono::duration<double>(provider.limiter.paused_until() - now).count()});
    } else if (provider.limiter.budget_reset_at() > now && !provider.queue.empty()) {
      stats.backing_off.push_back(
          ProviderWait{provider.name, std::chrono::duration<double>(provider.limiter.budget_reset_at() - now).count(),
                       ProviderWait::Why::budget_reset});
    }
  }
  return stats;
}

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

std::uint64_t Executor::submit_at(std::chrono::steady_clock::time_point at, ApiRequest request, Callback done) {
  return impl_->submit(std::move(request), std::move(done), at);
}

void Executor::cancel_pending() { impl_->cancel_waiting(); }

void Executor::forget_cached(const RequestRecord& record) {
  if (impl_->options.cache != nullptr && !record.cache_key.empty()) impl_->options.cache->forget_by_key(record.cache_key);
}

void Executor::run() { impl_->run(); }

void Executor::hold() { ++impl_->holds; }

void Executor::post(std::function<void()> task) {
  const std::lock_guard lock(impl_->posted_mutex);
  impl_->posted.push_back(std::move(task));
  impl_->wake();  // under the lock: the executor cannot be destroyed meanwhile
}

void Executor::request_stop() noexcept {
  impl_->stop_requests.fetch_add(1, std::memory_order_acq_rel);
  impl_->wake();
}

bool Executor::stop_requested() const noexcept {
  return impl_->stop_requests.load(std::memory_order_acquire) > 0;
}

void Executor::on_progress(std::function<void(const ExecutorStats&)> callback, int interval_ms) {
  impl_->progress_callback = std::move(callback);
  impl_->progress_interval_ms = std::max(1, interval_ms);
}

void Executor::on_turn_end(std::function<void()> callback) { impl_->turn_end_callback = std::move(callback); }

ExecutorStats Executor::stats() const { return impl_->snapshot(); }

}  // namespace llmbench::http
