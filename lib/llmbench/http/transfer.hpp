#pragma once
// One attempt of a request on a libcurl easy handle: the executor's transfer layer.
//   - Request: what a submitted request carries through its attempts (slots are recycled).
//   - Attempt: an easy handle and the state of one attempt on it (pooled, one per transfer).
//   - begin_attempt: resets the attempt's state and sets the easy handle up (URL, headers,
//     body, timeouts, the response cap) with the callbacks that fill the state: headers
//     (content type, rate-limit headers), the body or SSE events, each capped; the callbacks
//     are noexcept, so nothing escapes into libcurl.
//   - judge_transfer: what came back, as a Verdict (outcome, whether a retry may help, one
//     line of error text; secrets are redacted later, where the record is finished).
// Scheduling, retries, the cache and delivery are the executor's (executor.cpp).
//
// Internal to http/. Not thread-safe: everything runs on the executor's loop thread.

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmbench/http/executor.hpp"
#include "llmbench/http/limiter.hpp"
#include "llmbench/http/openai.hpp"
#include "llmbench/util/receive_time.hpp"
#include "llmbench/http/retry.hpp"
#include "llmbench/http/sse.hpp"

namespace llmbench::http::detail {

double ms_between(SteadyTime from, SteadyTime to);
SteadyClock::duration seconds(double s);

// `url` for a log line: scheme://host[:port]/path, without user info or query (either may
// carry a credential).
std::string loggable_url(std::string_view url);

// One submitted request, queued, waiting out a back-off or in flight. Slots are recycled.
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
  double spend_usd = -1;  // the estimate its spend gate admitted; -1: not admitted (or no gate)
  RequestRecord record;
  std::string key;  // request_key() when a cache is on, else empty
  std::vector<std::pair<std::uint64_t, Executor::Callback>> followers;  // identical requests (id, callback)
  Outcome failure = Outcome::ok;  // of the last failed attempt
  std::string failure_text;
};

// One attempt on the wire: a libcurl easy handle (kept across attempts, so libcurl keeps its
// connections) and what its callbacks gather. The executor pools them, one per request in
// flight at most, so a queued request carries none of this. `request` is set while in flight.
struct Attempt {
  Attempt();
  ~Attempt();  // cleans the easy handle up (the executor removes it from the multi handle first)
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  CURL* easy = nullptr;
  Request* request = nullptr;
  std::size_t active_index = 0;  // position in Impl::active while in flight
  SteadyTime last_activity{};    // attempt start or last byte received (stall timeout)
  bool stalled = false;
  bool transfer_done = false;    // libcurl finished it; the executor has yet to handle it
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
  // The kernel's receive time of the bytes libcurl is reading now, when the executor peeked it
  // (Executor::Impl::received_at); else the bytes are timed when read.
  const std::optional<util::ReceiveStamp>* received_at = nullptr;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

// Prepares `attempt` for the next attempt of `request` (attempts already counted), started at
// `now`: resets what the callbacks gather and sets the easy handle up. The SSE parser is capped
// at options.max_response_bytes (or its own default, if lower).
void begin_attempt(Request& request, Attempt& attempt, const ExecutorOptions& options, SteadyTime now);

struct Verdict {
  Outcome outcome = Outcome::ok;
  Retry retry = Retry::no;
  std::string error;
};

// The verdict on a finished attempt: libcurl's `code`, the HTTP `status`, and what the callbacks
// gathered. An ok chat or embeddings answer is parsed into attempt.request->record.
Verdict judge_transfer(Attempt& attempt, CURLcode code, long status, const ExecutorOptions& options);

}  // namespace llmbench::http::detail
