#include "llmbench/http/transfer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

namespace llmbench::http::detail {
namespace {

constexpr std::size_t kSnippetChars = 200;
constexpr std::size_t kErrorBodyLimit = 8 * 1024;  // bytes kept of a non-2xx body

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

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// --- libcurl callbacks (noexcept: nothing may escape into libcurl) ---------------------------

// When the bytes handed over `now` arrived: the kernel's receive time where the executor
// peeked it and it serves them (util/receive_time.hpp), else now. `stamped` says which.
SteadyTime arrival(const Attempt& attempt, SteadyTime now, bool& stamped) {
  const std::optional<util::ReceiveStamp>* stamp = attempt.received_at;
  stamped = stamp != nullptr && stamp->has_value() && (*stamp)->serves(now);
  return stamped ? (*stamp)->received : now;
}

void mark_first_byte(Attempt& attempt) {
  const SteadyTime now = SteadyClock::now();
  attempt.last_activity = now;
  Timings& timings = attempt.request->record.timings;
  if (timings.first_byte_ms >= 0) return;
  bool stamped = false;
  timings.first_byte_ms = ms_between(attempt.request->submitted, arrival(attempt, now, stamped));
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto& attempt = *static_cast<Attempt*>(user);
  const std::size_t bytes = size * count;
  try {
    mark_first_byte(attempt);
    const std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response head (after 100 Continue, redirects)
      attempt.rate_headers.reset();
      attempt.content_type.clear();
      return bytes;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals_prefix(name, "content-type") && name.size() == 12) {
      attempt.content_type.assign(value);
    } else if (iequals_prefix(name, "retry-after") || iequals_prefix(name, "x-ratelimit-")) {
      attempt.rate_headers.on_header(name, value, std::chrono::system_clock::now());
    }
  } catch (...) {
    attempt.write_failed = true;
    return 0;
  }
  return bytes;
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto& attempt = *static_cast<Attempt*>(user);
  const ApiRequest& api = attempt.request->api;
  const std::size_t bytes = size * count;
  try {
    mark_first_byte(attempt);
    // `bytes` are decoded (inflated): the cap holds for gzip/br/zstd bodies too. Returning
    // short makes libcurl abort the transfer.
    attempt.received += bytes;
    if (attempt.received > attempt.max_response_bytes) {
      attempt.too_large = true;
      return 0;
    }
    if (attempt.mode == Attempt::Mode::undecided) {
      long status = 0;
      curl_easy_getinfo(attempt.easy, CURLINFO_RESPONSE_CODE, &status);
      const bool event_stream = attempt.content_type.find("text/event-stream") != std::string::npos;
      attempt.mode = api.streamed() && status >= 200 && status < 300 && event_stream ? Attempt::Mode::sse
                                                                                      : Attempt::Mode::body;
    }
    if (attempt.mode == Attempt::Mode::sse) {
      attempt.sse.feed(std::string_view(data, bytes), attempt.on_event);
      if (attempt.sse.overflowed()) {
        attempt.too_large = true;
        return 0;
      }
    } else {
      long status = 0;
      curl_easy_getinfo(attempt.easy, CURLINFO_RESPONSE_CODE, &status);
      const bool success = status >= 200 && status < 300;
      if (success || attempt.response.size() < kErrorBodyLimit) attempt.response.append(data, bytes);
    }
  } catch (...) {
    attempt.write_failed = true;
    return 0;
  }
  return bytes;
}

void on_sse_event(Attempt& attempt, const SseEvent& event) {
  if (attempt.stream.has_error()) return;
  Timings& timings = attempt.request->record.timings;
  bool stamped = false;
  const SteadyTime at = arrival(attempt, SteadyClock::now(), stamped);
  const auto kind = attempt.stream.on_data(event.data, ms_between(attempt.request->submitted, at));
  if (kind == ChatStreamAccumulator::Event::token && stamped) ++timings.kernel_token_times;
  const auto& on_content = attempt.request->api.on_content;
  if (kind == ChatStreamAccumulator::Event::token && on_content) on_content(attempt.stream.content_so_far());
}

// Called by libcurl once the connection is open, just before the request is sent: the actual
// send (Timings::sent_ms).
int on_prereq(void* user, char*, char*, int, int) noexcept {
  auto& attempt = *static_cast<Attempt*>(user);
  Timings& timings = attempt.request->record.timings;
  timings.sent_ms = ms_between(attempt.request->submitted, SteadyClock::now());
  return CURL_PREREQFUNC_OK;
}

curl_slist* build_headers(const Request& request) {
  curl_slist* list = nullptr;
  if (request.api.kind != ApiKind::models) {
    list = curl_slist_append(list, "Content-Type: application/json");
  }
  list = curl_slist_append(list, request.api.streamed() ? "Accept: text/event-stream" : "Accept: application/json");
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

}  // namespace

double ms_between(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

SteadyClock::duration seconds(double s) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(s));
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

Attempt::Attempt() : easy(curl_easy_init()) {
  on_event = [this](const SseEvent& event) { on_sse_event(*this, event); };
}

Attempt::~Attempt() { curl_easy_cleanup(easy); }

void begin_attempt(Request& request, Attempt& attempt, const ExecutorOptions& options, SteadyTime now) {
  attempt.request = &request;
  attempt.response.clear();
  if (attempt.response.capacity() > 1 << 16) attempt.response.shrink_to_fit();
  attempt.sse.reset();
  attempt.sse.set_max_bytes(std::min(options.max_response_bytes, SseParser::kDefaultMaxBytes));
  attempt.stream.reset();
  attempt.rate_headers.reset();
  attempt.content_type.clear();
  attempt.mode = Attempt::Mode::undecided;
  attempt.write_failed = false;
  attempt.too_large = false;
  attempt.received = 0;
  attempt.max_response_bytes = options.max_response_bytes;
  attempt.error_buffer[0] = '\0';
  Timings& timings = request.record.timings;
  timings = Timings{};
  // The attempt's start, until on_prereq records the actual send: TTFT, TTFO and latency run
  // from there, not from the moment libcurl was handed the request (when many start at once,
  // libcurl sends them one by one, and a new connection is opened first: the client's wait,
  // not the server's). A request that never reached the wire (a connect failure) keeps this.
  timings.sent_ms = ms_between(request.submitted, now);
  request.record.usage = Usage{};
  request.record.content.clear();
  request.record.reasoning.clear();
  request.record.finish_reason.clear();
  if (request.headers == nullptr) request.headers = build_headers(request);

  CURL* easy = attempt.easy;
  const double timeout_s = request.api.endpoint.timeout_s > 0 ? request.api.endpoint.timeout_s
                                                               : options.timeout_s;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &attempt);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  // A declared (or, for identity bodies, received) size past the cap ends the transfer at
  // once; compressed bodies are capped on their decoded size in on_write.
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request.headers);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, attempt.error_buffer);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &attempt);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &attempt);
  curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &on_prereq);
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, &attempt);
  if (timeout_s > 0) {
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::ceil(timeout_s * 1000)));
  }
  if (options.connect_timeout_s > 0) {
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::ceil(options.connect_timeout_s * 1000)));
  }
  if (request.api.kind == ApiKind::models) {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  attempt.last_activity = now;
  attempt.stalled = false;
  attempt.transfer_done = false;
}

Verdict judge_transfer(Attempt& attempt, CURLcode code, long status, const ExecutorOptions& options) {
  Request& request = *attempt.request;
  if (attempt.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    const bool sse = attempt.sse.overflowed();
    const std::size_t cap = sse ? attempt.sse.max_bytes() : options.max_response_bytes;
    return {Outcome::too_large, Retry::no,
            fmt::format("response too large: {} passed {} bytes (--max-response-bytes {})",
                        sse ? "an SSE line or event" : "the body", cap, options.max_response_bytes)};
  }
  if (attempt.write_failed) return {Outcome::parse, Retry::yes, "out of memory reading the response"};
  if (code != CURLE_OK) {
    std::string text = attempt.error_buffer[0] != '\0' ? attempt.error_buffer : curl_easy_strerror(code);
    text = snippet(text);
    if (attempt.stalled) {
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
    const auto parsed = parse_response(request.api.kind, attempt.response, scratch);
    detail = parsed.status == ParseStatus::api_error ? parsed.message : attempt.response;
    std::string error = "HTTP " + std::to_string(status);
    if (!detail.empty()) error += ": " + snippet(detail);
    const Outcome outcome = status == 429 ? Outcome::rate_limited : Outcome::http_status;
    return {outcome, retry_for_status(static_cast<int>(status)), std::move(error)};
  }
  RequestRecord& record = request.record;
  if (attempt.mode == Attempt::Mode::sse) {
    if (attempt.stream.has_error()) {
      const auto& error = attempt.stream.error();
      if (error.status == ParseStatus::malformed) {
        return {Outcome::parse, Retry::yes, snippet(error.message)};
      }
      return {error.error_code == 429 ? Outcome::rate_limited : Outcome::http_status, Retry::yes,
              "error in stream: " + snippet(error.message)};
    }
    if (!attempt.stream.complete()) {
      return {Outcome::parse, Retry::yes, "stream ended before [DONE] and without a finish_reason"};
    }
    attempt.stream.finish(record);
  } else {
    const auto parsed = parse_response(request.api.kind, attempt.response, record);
    if (parsed.status == ParseStatus::malformed) {
      return {Outcome::parse, Retry::yes,
              parsed.message + " (" + std::to_string(attempt.response.size()) + " bytes: " +
                  snippet(attempt.response) + ")"};
    }
    if (parsed.status == ParseStatus::api_error) {
      return {parsed.error_code == 429 ? Outcome::rate_limited : Outcome::http_status, Retry::yes,
              "error in body: " + snippet(parsed.message)};
    }
  }
  if (request.api.kind == ApiKind::chat && record.finish_reason == "length" && record.content.empty()) {
    return {Outcome::truncated, Retry::no,
            "finish_reason \"length\" with empty content: raise max_tokens"};
  }
  return {Outcome::ok, Retry::no, {}};
}

}  // namespace llmbench::http::detail
