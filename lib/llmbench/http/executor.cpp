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
#include "llmbench/http/sse.hpp"
#include "llmbench/util/redact.hpp"
#include "llmbench/util/text.hpp"

namespace llmbench::http {
namespace {

constexpr std::size_t kSnippetChars = 200;
constexpr std::size_t kErrorBodyLimit = 8 * 1024;  // bytes kept of a non-2xx body
constexpr int kMaxPollMs = 1000;

double ms_between(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

SteadyClock::duration seconds(double s) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(s));
}

// One line, at most kSnippetChars. Secrets are redacted later, in finish(), like all text.
std::string snippet(std::string_view text) {
  std::string out(text.substr(0, kSnippetChars * 2));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (out.size() > kSnippetChars) {
    out.resize(kSnippetChars);
    out += "...";
  }
  return out;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// `url` for a log line: scheme://host[:port]/path, without user info or query (either may
// carry a credential).
std::string loggable_url(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t host_at = scheme == std::string_view::npos ? 0 : scheme + 3;
  std::size_t end = url.find_first_of("?#", host_at);
  if (end == std::string_view::npos) end = url.size();
  std::string_view rest = url.substr(host_at, end - host_at);
  const std::size_t slash = rest.find('/');
  const std::size_t at = rest.substr(0, slash).rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  return std::string(url.substr(0, host_at)) + std::string(rest);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

namespace {

// One submitted request and the state of its current attempt. Slots are recycled.
struct Request {
  std::uint64_t id = 0;
  ApiRequest api;
  Executor::Callback done;
  std::size_t provider = 0;
  AdmissionMark admission;  // the provider's admissions when this attempt was admitted
  std::string url;
  std::string body;
  curl_slist* headers = nullptr;
  double tokens = 0;
  SteadyTime submitted{};
  SteadyTime first_sent{};  // start of the first attempt (the time budget counts from here)
  int attempts = 0;
  RequestRecord record;
  std::string key;  // request_key() when a cache is on, else empty
  std::vector<std::pair<std::uint64_t, Executor::Callback>> followers;  // identical requests (id, callback)
  Outcome failure = Outcome::ok;  // of the last failed attempt
  std::string failure_text;

  // Current attempt.
  CURL* easy = nullptr;
  std::size_t active_index = 0;  // position in Impl::active while in flight
  SteadyTime last_activity{};    // attempt start or last byte received (stall timeout)
  bool stalled = false;
  std::string response;
  SseParser sse;
  SseParser::Handler on_event;
  ChatStreamAccumulator stream;
  RateLimitHeaders rate_headers;
  std::string content_type;
  enum class Mode { undecided, sse, body } mode = Mode::undecided;
  bool write_failed = false;
  bool too_large = false;        // the body, an SSE line or an SSE event passed its cap
  std::size_t max_response_bytes = 0;  // ExecutorOptions::max_response_bytes (read in on_write)
  std::size_t received = 0;      // decoded body bytes of this attempt
  char error_buffer[CURL_ERROR_SIZE] = {};
};

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
    slots.push_back(std::make_unique<Request>());
    Request* request = slots.back().get();
    request->sse.set_max_bytes(std::min(options.max_response_bytes, SseParser::kDefaultMaxBytes));
    request->on_event = [request](const SseEvent& event) { on_sse_event(*request, event); };
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

  curl_slist* build_headers(const Request& request) {
    curl_slist* list = nullptr;
    if (request.api.kind != ApiKind::models) {
      list = curl_slist_append(list, "Content-Type: application/json");
    }
    list = curl_slist_append(list, request.api.stream == Stream::yes && request.api.kind == ApiKind::chat
                                       ? "Accept: text/event-stream"
                                       : "Accept: application/json");
    list = curl_slist_append(list, "Expect:");
    if (!request.api.endpoint.api_key.empty()) {
      const std::string auth = "Authorization: Bearer " + request.api.endpoint.api_key;
      list = curl_slist_append(list, auth.c_str());
    }
    for (const auto& [name, value] : request.api.endpoint.headers) {
      const std::string line = name + ": " + value;
      list = curl_slist_append(list, line.c_str());
    }
    return list;
  }

  void start_attempt(Request* request, SteadyTime now) {
    ++request->attempts;
    ++in_flight;
    peak_in_flight = std::max(peak_in_flight, in_flight);
    request->response.clear();
    request->sse.reset();
    request->stream.reset();
    request->rate_headers.reset();
    request->content_type.clear();
    request->mode = Request::Mode::undecided;
    request->write_failed = false;
    request->too_large = false;
    request->received = 0;
    request->max_response_bytes = options.max_response_bytes;
    if (request->attempts == 1) request->first_sent = now;
    request->error_buffer[0] = '\0';
    Timings& timings = request->record.timings;
    timings = Timings{};
    timings.sent_ms = ms_between(request->submitted, now);
    request->record.usage = Usage{};
    request->record.content.clear();
    request->record.reasoning.clear();
    request->record.finish_reason.clear();
    if (request->headers == nullptr) request->headers = build_headers(*request);

    CURL* easy = nullptr;
    if (!idle_handles.empty()) {
      easy = idle_handles.back();
      idle_handles.pop_back();
      curl_easy_reset(easy);
    } else {
      easy = curl_easy_init();
    }
    request->easy = easy;
    const double timeout_s = request->api.endpoint.timeout_s > 0 ? request->api.endpoint.timeout_s
                                                                 : options.timeout_s;
    curl_easy_setopt(easy, CURLOPT_URL, request->url.c_str());
    curl_easy_setopt(easy, CURLOPT_PRIVATE, request);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    // A declared (or, for identity bodies, received) size past the cap ends the transfer at
    // once; compressed bodies are capped on their decoded size in on_write.
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request->headers);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, request->error_buffer);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, request);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, request);
    if (timeout_s > 0) {
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::ceil(timeout_s * 1000)));
    }
    if (options.connect_timeout_s > 0) {
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                       static_cast<long>(std::ceil(options.connect_timeout_s * 1000)));
    }
    if (request->api.kind == ApiKind::models) {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request->body.size()));
    }
    request->last_activity = now;
    request->stalled = false;
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

  // --- libcurl callbacks (noexcept: nothing may escape into libcurl) ---------------------

  static void mark_first_byte(Request& request) {
    const SteadyTime now = SteadyClock::now();
    request.last_activity = now;
    Timings& timings = request.record.timings;
    if (timings.first_byte_ms < 0) timings.first_byte_ms = ms_between(request.submitted, now);
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto& request = *static_cast<Request*>(user);
    const std::size_t bytes = size * count;
    try {
      mark_first_byte(request);
      const std::string_view line(data, bytes);
      if (line.rfind("HTTP/", 0) == 0) {  // a new response head (after 100 Continue, redirects)
        request.rate_headers.reset();
        request.content_type.clear();
        return bytes;
      }
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return bytes;
      const std::string_view name = trim(line.substr(0, colon));
      const std::string_view value = trim(line.substr(colon + 1));
      if (iequals_prefix(name, "content-type") && name.size() == 12) {
        request.content_type.assign(value);
      } else if (iequals_prefix(name, "retry-after") || iequals_prefix(name, "x-ratelimit-")) {
        request.rate_headers.on_header(name, value, std::chrono::system_clock::now());
      }
    } catch (...) {
      request.write_failed = true;
      return 0;
    }
    return bytes;
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto& request = *static_cast<Request*>(user);
    const std::size_t bytes = size * count;
    try {
      mark_first_byte(request);
      // `bytes` are decoded (inflated): the cap holds for gzip/br/zstd bodies too. Returning
      // short makes libcurl abort the transfer.
      request.received += bytes;
      if (request.received > request.max_response_bytes) {
        request.too_large = true;
        return 0;
      }
      if (request.mode == Request::Mode::undecided) {
        long status = 0;
        curl_easy_getinfo(request.easy, CURLINFO_RESPONSE_CODE, &status);
        const bool event_stream = request.content_type.find("text/event-stream") != std::string::npos;
        request.mode = request.api.stream == Stream::yes && request.api.kind == ApiKind::chat &&
                               status >= 200 && status < 300 && event_stream
                           ? Request::Mode::sse
                           : Request::Mode::body;
      }
      if (request.mode == Request::Mode::sse) {
        request.sse.feed(std::string_view(data, bytes), request.on_event);
        if (request.sse.overflowed()) {
          request.too_large = true;
          return 0;
        }
      } else {
        long status = 0;
        curl_easy_getinfo(request.easy, CURLINFO_RESPONSE_CODE, &status);
        const bool success = status >= 200 && status < 300;
        if (success || request.response.size() < kErrorBodyLimit) request.response.append(data, bytes);
      }
    } catch (...) {
      request.write_failed = true;
      return 0;
    }
    return bytes;
  }

  static void on_sse_event(Request& request, const SseEvent& event) {
    if (request.stream.has_error()) return;
    const auto result = request.stream.on_data(event.data);
    if (result == ChatStreamAccumulator::Event::first_token &&
        request.record.timings.first_token_ms < 0) {
      request.record.timings.first_token_ms = ms_between(request.submitted, SteadyClock::now());
    }
  }

  // --- completion --------------------------------------------------------------------------

  struct Verdict {
    Outcome outcome = Outcome::ok;
    Retry retry = Retry::no;
    std::string error;
  };

  Verdict judge_transfer(Request& request, CURLcode code, long status) {
    if (request.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      const bool sse = request.sse.overflowed();
      const std::size_t cap = sse ? request.sse.max_bytes() : options.max_response_bytes;
      return {Outcome::too_large, Retry::no,
              fmt::format("response too large: {} passed {} bytes (--max-response-bytes {})",
                          sse ? "an SSE line or event" : "the body", cap, options.max_response_bytes)};
    }
    if (request.write_failed) return {Outcome::parse, Retry::yes, "out of memory reading the response"};
    if (code != CURLE_OK) {
      std::string text = request.error_buffer[0] != '\0' ? request.error_buffer : curl_easy_strerror(code);
      text = snippet(text);
      if (request.stalled) {
        text = "no byte received for " + std::to_string(options.stall_timeout_s) + " s (stall timeout)";
      }
      switch (code) {
        case CURLE_OPERATION_TIMEDOUT: return {Outcome::timeout, Retry::yes, "timeout: " + text};
        case CURLE_PARTIAL_FILE:
          return {Outcome::parse, Retry::yes, "truncated body: " + text};
        case CURLE_BAD_CONTENT_ENCODING:
          return {Outcome::parse, Retry::yes, "bad body: " + text};
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
          return {Outcome::connect, Retry::no, "bad URL: " + text};
        default: return {Outcome::connect, Retry::yes, "connection: " + text};
      }
    }
    if (status < 200 || status >= 300) {
      std::string detail;
      RequestRecord scratch;
      const auto parsed = parse_response(request.api.kind, request.response, scratch);
      detail = parsed.status == ParseStatus::api_error ? parsed.message : request.response;
      std::string error = "HTTP " + std::to_string(status);
      if (!detail.empty()) error += ": " + snippet(detail);
      const Outcome outcome = status == 429 ? Outcome::rate_limited : Outcome::http_status;
      return {outcome, retry_for_status(static_cast<int>(status)), std::move(error)};
    }
    RequestRecord& record = request.record;
    if (request.mode == Request::Mode::sse) {
      if (request.stream.has_error()) {
        const auto& error = request.stream.error();
        if (error.status == ParseStatus::malformed) {
          return {Outcome::parse, Retry::yes, snippet(error.message)};
        }
        return {error.error_code == 429 ? Outcome::rate_limited : Outcome::http_status, Retry::yes,
                "error in stream: " + snippet(error.message)};
      }
      if (!request.stream.complete()) {
        return {Outcome::parse, Retry::yes, "stream ended before [DONE] and without a finish_reason"};
      }
      request.stream.finish(record);
    } else {
      const auto parsed = parse_response(request.api.kind, request.response, record);
      if (parsed.status == ParseStatus::malformed) {
        return {Outcome::parse, Retry::yes,
                parsed.message + " (" + std::to_string(request.response.size()) + " bytes: " +
                    snippet(request.response) + ")"};
      }
      if (parsed.status == ParseStatus::api_error) {
        return {parsed.error_code == 429 ? Outcome::rate_limited : Outcome::http_status, Retry::yes,
                "error in body: " + snippet(parsed.message)};
      }
    }
    if (record.timings.first_token_ms < 0) record.timings.first_token_ms = record.timings.first_byte_ms;
    if (request.api.kind == ApiKind::chat && record.finish_reason == "length" && record.content.empty()) {
      return {Outcome::truncated, Retry::no,
              "finish_reason \"length\" with empty content: raise max_tokens"};
    }
    return {Outcome::ok, Retry::no, {}};
  }

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

    Verdict verdict = judge_transfer(*request, code, status);
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
    for (const auto& [easy, code] : done_messages) {
      Request* request = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &request);
      if (request != nullptr) on_transfer_done(request, code, now);
    }
    return static_cast<int>(done_messages.size());
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
      now = SteadyClock::now();
      const double wait_ms = std::max(0.0, ms_between(now, wake));
      const int timeout_ms = static_cast<int>(std::min<double>(kMaxPollMs, std::ceil(wait_ms)));
      curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
    }
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

void Executor::on_progress(std::function<void(const ExecutorStats&)> callback, int interval_ms) {
  impl_->progress_callback = std::move(callback);
  impl_->progress_interval_ms = std::max(1, interval_ms);
}

ExecutorStats Executor::stats() const { return impl_->snapshot(); }

}  // namespace llmbench::http
